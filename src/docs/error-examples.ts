import { STATUS_CODES } from 'node:http';

/** One named example of the contract's error body. */
export interface ErrorExample {
  summary: string;
  status: number;
  error: string;
  message: string;
}

/** OpenAPI `examples` from named examples, each value in the contract's body shape. */
export function examples(
  ...list: [name: string, example: ErrorExample][]
): Record<string, { summary: string; value: object }> {
  return Object.fromEntries(
    list.map(([name, { summary, status, error, message }]) => [
      name,
      { summary, value: { statusCode: status, error, message } },
    ]),
  );
}

export const header = (description: string) => ({ description, schema: { type: 'string' } });

/** An example of the contract's body for `status`; `error` is the status's reason phrase. */
export const example =
  (status: number) =>
  (message: string, summary: string): ErrorExample => ({
    summary,
    status,
    error: STATUS_CODES[status]!,
    message,
  });
