/**
 * The demo's Words panel: the list in the text area (the built-in names or the user's own, pasted, typed or uploaded),
 * checked as it changes and shown in plain words in the panel's status line. A paste or a file over the size limit is
 * refused before it reaches the text area, so a 50 MB clipboard cannot freeze the tab.
 */
import { checkWordList, LIMITS_TEXT, MAX_TEXT_CHARS, tooLargeMessage } from './word-list.ts';

/** Larger files are refused before reading: the demo trains in a browser tab, not on a corpus. */
export const MAX_FILE_BYTES = MAX_TEXT_CHARS;
/** The word list is checked this long after the last keystroke. */
const CHECK_DELAY_MS = 250;

/** The elements and helpers the panel works with. */
export interface WordsPanelParts {
  words: HTMLTextAreaElement;
  file: HTMLInputElement;
  status: HTMLElement;
  /** The two radio buttons: value 'default' or 'custom'. */
  sources: HTMLInputElement[];
  defaultText: string;
  setStatus(el: HTMLElement, message: string, tone?: 'info' | 'error' | 'ok'): void;
}

/** What the page calls. */
export interface WordsPanel {
  /** Checks the list now and shows the outcome; the text when it can be trained on, else null. */
  check(): string | null;
  /** Shows the built-in names or the user's own list. */
  useSource(source: 'default' | 'custom'): void;
}

/** Wires the panel's events and returns its controls. */
export function createWordsPanel(p: WordsPanelParts): WordsPanel {
  let customText = '';
  let timer = 0;
  const isDefault = (): boolean => p.sources.find((r) => r.checked)?.value === 'default';

  const check = (): string | null => {
    window.clearTimeout(timer);
    const text = p.words.value;
    const result = checkWordList(text);
    if (!result.ok) {
      p.setStatus(p.status, result.message, 'error');
      return null;
    }
    p.setStatus(p.status, `${result.words.toLocaleString('en-US')} ${isDefault() ? 'English first names (built in)' : 'words'}.`);
    return text;
  };

  const useSource = (source: 'default' | 'custom'): void => {
    for (const r of p.sources) r.checked = r.value === source;
    if (source === 'default') {
      if (p.words.value !== p.defaultText) customText = p.words.value;
      p.words.value = p.defaultText;
      check();
    } else {
      p.words.value = customText;
      if (customText) check();
      else p.setStatus(p.status, 'Paste one word per line, or upload a text file.');
    }
  };

  const onFile = async (): Promise<void> => {
    const file = p.file.files?.[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      const mb = (file.size / 1024 / 1024).toFixed(1);
      p.setStatus(p.status, `'${file.name}' is ${mb} MB; the demo accepts files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`, 'error');
      p.file.value = '';
      return;
    }
    const text = await file.text();
    customText = text;
    useSource('custom');
    const result = checkWordList(text);
    if (result.ok) p.setStatus(p.status, `Loaded '${file.name}': ${result.words.toLocaleString('en-US')} words.`, 'ok');
    else p.setStatus(p.status, `'${file.name}': ${result.message}`, 'error');
  };

  // the length alone decides, before the browser inserts (and lays out) the pasted text; nothing is scanned
  const onPaste = (event: ClipboardEvent): void => {
    const pasted = event.clipboardData?.getData('text/plain') ?? '';
    const { selectionStart, selectionEnd, value } = p.words;
    const after = value.length - (selectionEnd - selectionStart) + pasted.length;
    if (after > MAX_TEXT_CHARS) {
      event.preventDefault();
      window.clearTimeout(timer);
      p.setStatus(p.status, tooLargeMessage(after, 'The list with this paste'), 'error');
    }
  };

  p.words.addEventListener('input', () => {
    if (isDefault() && p.words.value !== p.defaultText) {
      customText = p.words.value;
      for (const r of p.sources) r.checked = r.value === 'custom';
    }
    // a debounce: a long list is not scanned at every key
    window.clearTimeout(timer);
    timer = window.setTimeout(check, CHECK_DELAY_MS);
  });
  p.words.addEventListener('paste', onPaste);
  p.file.addEventListener('change', () => void onFile());
  for (const r of p.sources) r.addEventListener('change', () => useSource(r.value as 'default' | 'custom'));
  const limits = document.getElementById('limits');
  if (limits) limits.textContent = LIMITS_TEXT; // the limits the checks apply, stated where the list is entered
  return { check, useSource };
}
