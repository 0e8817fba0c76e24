/**
 * Item 5 of issue 11: input files that are not UTF-8 text, or not regular files, are refused with the file named and a
 * short escaped excerpt — never read forever, never turned into garbage words.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excerpt } from '../src/data/excerpt.ts';
import { decodeWordText, firstInvalidUtf8, TextInputError } from '../src/data/text-decode.ts';
import { readWords } from '../src/data/words.ts';
import { InputFileError, readInputFile } from '../src/io/input-file.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function utf16(s: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const out: number[] = bom ? (bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]) : [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out.push(...(bigEndian ? [c >> 8, c & 255] : [c & 255, c >> 8]));
  }
  return Uint8Array.from(out);
}

describe('decodeWordText', () => {
  it('accepts UTF-8 with and without a byte-order mark, and the words are those of the text', () => {
    const text = 'emma\nolivia\r\nzoë\n😀x\n';
    expect(readWords(decodeWordText(utf8(text), 'a.txt'))).toEqual(readWords(text));
    expect(decodeWordText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('ab\n')]), 'a.txt')).toBe('ab\n');
    // tabs and spaces at the ends of a line are trimmed by readWords, not refused
    expect(readWords(decodeWordText(utf8('\tann \t\n'), 'a.txt'))).toEqual(['ann']);
  });

  it.each([
    ['UTF-16 LE with BOM', utf16('emma\nolivia\n', false, true), /a\.txt' is UTF-16/],
    ['UTF-16 BE with BOM', utf16('emma\nolivia\n', true, true), /a\.txt' is UTF-16/],
    ['UTF-16 LE without BOM', utf16('emma\nolivia\nava\n', false, false), /a\.txt' looks like UTF-16/],
    ['UTF-16 BE without BOM', utf16('emma\nolivia\nava\n', true, false), /a\.txt' looks like UTF-16/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => decodeWordText(bytes, 'a.txt')).toThrow(message);
  });

  it('refuses Latin-1 names, naming the byte, its line and an escaped excerpt', () => {
    // "Renée" and "Zoë" in Latin-1: é = 0xE9, ë = 0xEB, which are not UTF-8
    const bytes = Uint8Array.from([...utf8('anna\nRen'), 0xe9, ...utf8('e\nZo'), 0xeb, 0x0a]);
    let error: unknown;
    try {
      decodeWordText(bytes, 'latin1.txt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TextInputError);
    const message = (error as Error).message;
    expect(message).toContain("'latin1.txt' is not valid UTF-8");
    expect(message).toContain('0xE9 at offset 8 (line 2');
    expect(message).toContain('"Ren\\xE9e"');
  });

  it('refuses binary files and control characters inside words, with a short escaped excerpt', () => {
    expect(() => decodeWordText(Uint8Array.from([0x41, 0x0a, 0x42, 0, 0x43, 0x0a]), 'b.bin')).toThrow(/NUL byte at byte 3 \(line 2\)/);
    expect(() => decodeWordText(utf8('ann\nbo\u0007b\n'), 'c.txt')).toThrow(/line 2: the word "bo\\u0007b" contains the control character U\+0007/);
    expect(() => decodeWordText(utf8('ann\nbo\tb\n'), 'c.txt')).toThrow(/U\+0009/);
    expect(() => decodeWordText(utf8('x\u0085y\n'), 'c.txt')).toThrow(/U\+0085/);
    const long = `${'a'.repeat(250)}\u0001`;
    const message = (() => {
      try {
        decodeWordText(utf8(long), 'd.txt');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toContain('(251 characters)');
    expect(message.length).toBeLessThan(250);
  });

  it('finds the first invalid UTF-8 sequence exactly where TextDecoder fails', () => {
    const cases: number[][] = [
      [0xc0, 0x80], // overlong NUL
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // a surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated at the end
      [0x80], // a lone continuation byte
    ];
    for (const tail of cases) {
      const bytes = Uint8Array.from([0x61, 0x62, ...tail]);
      expect(firstInvalidUtf8(bytes)).toBe(2);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    }
    expect(firstInvalidUtf8(utf8('aé€😀'))).toBe(-1);
  });
});

describe('excerpt', () => {
  it('quotes, escapes and shortens', () => {
    expect(excerpt('ab')).toBe('"ab"');
    expect(excerpt('a"b\\')).toBe('"a\\"b\\\\"');
    expect(excerpt('a\u0000b\u2028')).toBe('"a\\u0000b\\u2028"');
    expect(excerpt('x'.repeat(50), 10)).toBe(`"${'x'.repeat(10)}…" (50 characters)`);
  });
});

describe('readInputFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'makemore-input-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file', () => {
    writeFileSync(join(dir, 'w.txt'), 'ann\n');
    expect(new TextDecoder().decode(readInputFile(join(dir, 'w.txt'), 100))).toBe('ann\n');
  });

  it('refuses a directory, a missing file and a file over the limit, naming it', () => {
    expect(() => readInputFile(dir, 100)).toThrow(/is a directory, expected a regular file/);
    expect(() => readInputFile(join(dir, 'nope'), 100)).toThrow(InputFileError);
    expect(() => readInputFile(join(dir, 'nope'), 100)).toThrow(/nope' does not exist/);
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(200));
    expect(() => readInputFile(join(dir, 'big.txt'), 100)).toThrow(/is 200 bytes, more than the limit of 100 bytes/);
  });

  it.runIf(existsSync('/dev/zero'))('refuses /dev/zero at once instead of reading it forever', () => {
    expect(() => readInputFile('/dev/zero', 1 << 20)).toThrow(/'\/dev\/zero' is a character device/);
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here: nothing to test
    }
    expect(() => readInputFile(fifo, 100)).toThrow(/is a FIFO \(named pipe\)/);
  });
});
