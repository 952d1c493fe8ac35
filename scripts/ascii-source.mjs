// The bundle's source as ASCII. esbuild's output escapes non-ASCII characters in strings, templates
// and identifiers, but leaves them in regular expression literals and comments (validator's
// alphabets, a few dashes in JSDoc). V8 holds a script's source as one byte per character only
// when every character fits in one (Latin-1): a single `≥` makes it keep the whole 8 MB bundle as
// UTF-16, 16 MB of memory for the life of the process. Escaping every non-ASCII character is the
// simpler rule, and the one a test can check.
import { parse } from 'acorn';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * `code` with every non-ASCII character written as `\uXXXX`, which means the same character in a
 * regular expression literal (with or without the `u` flag; an astral character becomes its two
 * escaped halves) and changes nothing in a comment. Anywhere else (a tagged template's raw text,
 * where an escape would not mean the same) it throws, so the build fails rather than change what
 * the code does. A source map's columns after an escaped character on the same line shift with it.
 */
export function asciiSource(code) {
  if (!NON_ASCII.test(code)) return code;
  const spans = [];
  parse(code, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    onComment: (_block, _text, start, end) => spans.push([start, end]),
    onToken: (token) => {
      if (token.type.label === 'regexp') spans.push([token.start, token.end]);
    },
  });
  spans.sort((a, b) => a[0] - b[0]);
  let span = 0;
  return code.replace(new RegExp(NON_ASCII, 'g'), (char, offset) => {
    while (span < spans.length && spans[span][1] <= offset) span += 1;
    if (span === spans.length || spans[span][0] > offset) {
      const line = code.slice(0, offset).split('\n').length;
      throw new Error(`non-ASCII character outside a comment or regular expression, line ${line}`);
    }
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
