/** See ascii-source.mjs. */
export function asciiSource(code: string): string;
