/**
 * The demo's word-list checks (web/word-list.ts), in Node: plain-word messages, limits, and agreement with readWords.
 */
import { describe, expect, it } from 'vitest';
import { readWords } from '../src/data/words.ts';
import { checkWordList, MAX_TEXT_CHARS, MAX_WORD_CHARS, MAX_WORDS } from '../web/word-list.ts';

const ten = Array.from({ length: 10 }, (_, i) => `w${String.fromCharCode(97 + i)}`).join('\n');

describe('checkWordList', () => {
  it('accepts what readWords reads, with any line breaks and blank lines, and counts the same words', () => {
    for (const text of [ten, ten.replace(/\n/g, '\r\n'), ten.replace(/\n/g, '\r'), `\n  ${ten.replace(/\n/g, '\n\n  ')}  \n`]) {
      expect(checkWordList(text)).toEqual({ ok: true, words: readWords(text).length });
    }
  });

  it('says what is wrong in plain words: empty, too few, a dot, a huge line, too many words, too large', () => {
    expect(checkWordList(' \n\n')).toMatchObject({ ok: false, message: expect.stringMatching(/^The word list is empty/) });
    expect(checkWordList('ann\nbob')).toMatchObject({ message: expect.stringMatching(/^The list has only 2 words: give at least 10/) });
    expect(checkWordList('ann')).toMatchObject({ message: expect.stringMatching(/only 1 word:/) });
    const dot = checkWordList(`anna\n\nbo.b\n${ten}`);
    expect(dot).toEqual({
      ok: false,
      message: `Line 3, "bo.b", contains a '.': the models use '.' to mark where words start and end, so a word cannot contain one. Remove or replace the '.'.`,
    });
    expect(JSON.stringify(dot)).not.toMatch(/Vocabulary|words\[/);
    const line = checkWordList(`${ten}\n${'x'.repeat(4_000_000)}`);
    expect(line).toEqual({ ok: false, message: `Line 11 is 4,000,000 characters long; a word can have up to ${MAX_WORD_CHARS}. Put one word per line.` });
    expect(checkWordList('ab\n'.repeat(MAX_WORDS + 1))).toMatchObject({ message: 'The list has more than 250,000 words; the demo takes up to 250,000.' });
    expect(checkWordList('ab\n'.repeat(MAX_WORDS))).toEqual({ ok: true, words: MAX_WORDS });
  });

  it('refuses a 50 MB text from its length, without scanning it', () => {
    const huge = 'a\n'.repeat(25 * 1024 * 1024);
    expect(huge.length).toBeGreaterThan(MAX_TEXT_CHARS);
    expect(checkWordList(huge)).toEqual({ ok: false, message: 'The list is 50.0 MB; the demo takes word lists up to 5 MB. Use a smaller list.' });
  });
});
