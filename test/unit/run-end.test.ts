import { describe, expect, it } from 'vitest';
import { runEndReasonOf } from '../../src/domain/errors.ts';
import { AuthError, NoAccessError, QuotaError, TransientError } from '../../src/fastmoss/errors.ts';
import { runEndOf } from '../../src/pipeline/load-rankings.ts';

const counts = { selected: 10, failed: 0, unfinished: 0, interrupted: false };

describe('runEndOf: how a run ended and why', () => {
  it('every ranking loaded: succeeded, no reason', () => {
    expect(runEndOf({ ...counts, fatal: undefined })).toEqual({
      status: 'succeeded',
      end: undefined,
    });
  });

  it('a run-stopping error: failed, with the reason its class declares and its message', () => {
    const fatal = new AuthError('FastMoss answered page 1 with HTTP 401. Check FASTMOSS_TOKEN');
    expect(runEndOf({ ...counts, unfinished: 10, fatal })).toEqual({
      status: 'failed',
      end: {
        reason: 'auth',
        message: 'FASTMOSS_AUTH: FastMoss answered page 1 with HTTP 401. Check FASTMOSS_TOKEN',
      },
    });
  });

  it('a fatal error that declares no reason is recorded as error', () => {
    const result = runEndOf({ ...counts, fatal: new Error('boom') });
    expect(result.end).toEqual({ reason: 'error', message: 'boom' });
  });

  it('stopped by a signal: interrupted, with how many were left', () => {
    expect(runEndOf({ ...counts, unfinished: 4, interrupted: true, fatal: undefined })).toEqual({
      status: 'interrupted',
      end: { reason: 'interrupted', message: 'stopped with 4 of 10 rankings unfinished' },
    });
  });

  it('some rankings failed after their retries: failed, rankings_failed', () => {
    expect(runEndOf({ ...counts, failed: 2, fatal: undefined })).toEqual({
      status: 'failed',
      end: { reason: 'rankings_failed', message: '2 of 10 rankings failed after their retries' },
    });
  });
});

describe('runEndReasonOf', () => {
  it('reads the reason a run-stopping error class declares, and nothing from others', () => {
    expect(runEndReasonOf(new AuthError('x'))).toBe('auth');
    expect(runEndReasonOf(new QuotaError('x'))).toBe('quota');
    expect(runEndReasonOf(new NoAccessError('x', { stopsRun: true }))).toBe('no_access');
    expect(runEndReasonOf(new TransientError('x', 'timeout'))).toBeUndefined();
    expect(runEndReasonOf(Object.assign(new Error('x'), { runEndReason: 'made-up' }))).toBe(
      undefined,
    );
  });
});
