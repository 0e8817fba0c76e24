/**
 * The character vocabulary: `.` (the word boundary) at index 0, then every other character in code point order.
 */
import { codePoint, excerpt } from './excerpt.ts';

/** The boundary token: it starts every context and ends every word. */
export const BOUNDARY = '.';

/**
 * A bijection between characters and integer ids. A character is a Unicode code point (an astral character such as
 * an emoji is one character, not two UTF-16 units).
 */
export class Vocabulary {
  /** All characters in index order; index 0 is `.`. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  private constructor(chars: string[]) {
    this.chars = Object.freeze(chars);
    this.ids = new Map(chars.map((ch, i) => [ch, i]));
  }

  /**
   * The vocabulary of a word list: `.` plus every character that occurs, sorted by code point. Throws on an empty
   * list, a non-string or empty word, and on a word containing `.` (the boundary token cannot be part of a word).
   */
  static fromWords(words: readonly string[]): Vocabulary {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`Vocabulary.fromWords: words must be a non-empty array of strings, got ${words === null ? 'null' : Array.isArray(words) ? 'an empty list' : typeof words}`);
    }
    const seen = new Set<string>();
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (typeof word !== 'string' || word.length === 0) {
        throw new Error(`Vocabulary.fromWords: words[${i}] must be a non-empty string, got ${typeof word === 'string' ? '""' : typeof word}`);
      }
      for (const ch of word) {
        if (ch === BOUNDARY) {
          throw new Error(`Vocabulary.fromWords: word ${excerpt(word)} (words[${i}]) contains '${BOUNDARY}', the reserved word boundary`);
        }
        seen.add(ch);
      }
    }
    return new Vocabulary([BOUNDARY, ...[...seen].sort(byCodePoint)]);
  }

  /**
   * A vocabulary from the characters after `.`, in index order (what {@link Vocabulary.toJSON} and a saved model's
   * `vocab` hold). Each must be a single code point, unique, and not `.`.
   */
  static fromChars(chars: readonly string[]): Vocabulary {
    if (!Array.isArray(chars)) throw new Error(`Vocabulary.fromChars: chars must be an array of characters, got ${typeof chars}`);
    const seen = new Set<string>();
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (typeof ch !== 'string' || [...ch].length !== 1) {
        throw new Error(`Vocabulary.fromChars: chars[${i}] must be a single character, got ${JSON.stringify(ch)}`);
      }
      if (ch === BOUNDARY) throw new Error(`Vocabulary.fromChars: chars[${i}] is '${BOUNDARY}', which is implicit at index 0`);
      if (seen.has(ch)) throw new Error(`Vocabulary.fromChars: character ${JSON.stringify(ch)} appears twice (chars[${i}])`);
      seen.add(ch);
    }
    return new Vocabulary([BOUNDARY, ...chars]);
  }

  /** The number of characters including `.`. */
  get size(): number {
    return this.chars.length;
  }

  /** The id of a character, or -1 if it is not in the vocabulary. */
  indexOf(ch: string): number {
    return this.ids.get(ch) ?? -1;
  }

  /** Whether the character is in the vocabulary. */
  has(ch: string): boolean {
    return this.ids.has(ch);
  }

  /**
   * The ids of the word's characters (no boundary tokens added). Throws an Error naming the character and the word
   * when a character is not in the vocabulary.
   */
  encode(word: string): number[] {
    const out: number[] = [];
    for (const ch of word) {
      const id = this.ids.get(ch);
      if (id === undefined || id === 0) {
        throw new Error(
          id === 0
            ? `Vocabulary: word ${excerpt(word)} contains '${BOUNDARY}', the reserved word boundary`
            : `Vocabulary: character ${excerpt(ch)} (${codePoint(ch)}) in word ${excerpt(word)} is not in the vocabulary`,
        );
      }
      out.push(id);
    }
    return out;
  }

  /** The characters of the ids joined into a string (id 0 becomes `.`). Throws on an id outside the vocabulary. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const ch = this.chars[ids[i]!];
      if (ch === undefined) throw new Error(`Vocabulary.decode: id ${ids[i]} (at ${i}) is out of range [0, ${this.size})`);
      s += ch;
    }
    return s;
  }

  /** Whether two vocabularies map the same characters to the same ids. */
  equals(other: Vocabulary): boolean {
    return this.size === other.size && this.chars.every((ch, i) => other.chars[i] === ch);
  }

  /** The characters after `.`, in index order: the inverse of {@link Vocabulary.fromChars}. */
  toJSON(): string[] {
    return this.chars.slice(1);
  }
}

function byCodePoint(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}
