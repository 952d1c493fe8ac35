import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors.js';

function pgError(code: string, message = 'error'): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));
}

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a connection that broke mid-query', new Error('Connection terminated unexpectedly')],
    ['a silent connection', new Error('Query read timeout')],
    ['a statement cancelled by statement_timeout', pgError('57014')],
    ['a server shutting down', pgError('57P01')],
    ['a connection-class SQLSTATE', pgError('08006')],
  ])('treats %s as unavailable (503)', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'ECONNREFUSED'],
  ])('does not hide %s behind a 503', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
