/** Test helper: XML well-formedness of the hand-written SVG. */

/**
 * A small XML well-formedness check: every tag closes in order, attributes are quoted, no raw '<' or bare '&' in
 * text. Enough to catch the mistakes hand-written SVG makes (an unescaped character, a missing '/').
 */
export function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    if (m[6] !== undefined) throw new Error(`malformed tag at ${m.index}: ${body.slice(m.index, m.index + 60)}`);
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#\d+);)/.test(m[5])) throw new Error(`bare '&' in text: ${m[5]}`);
      if (stack.length === 0 && m[5].trim() !== '') throw new Error(`text outside the root element: ${m[5]}`);
      continue;
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}
