import { describe, expect, it } from 'vitest';
import { problemOf } from '../../../lib/http/problem.ts';
import { HttpProblemError, json, problemResponse } from '../../../lib/http/responses.ts';

describe('HTTP responses', () => {
  it('json() sends JSON that is never cached, with extra headers', () => {
    expect(json(202, { a: 1 }, { location: '/assignments/x' })).toEqual({
      statusCode: 202,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        location: '/assignments/x',
      },
      body: '{"a":1}',
    });
  });

  it('problemResponse() sends application/problem+json with the problem status', () => {
    const problem = problemOf('not-found', 'Assignment x does not exist.');
    const response = problemResponse(problem);
    expect(response.statusCode).toBe(404);
    expect(response.headers).toEqual({
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
    });
    expect(JSON.parse(String(response.body))).toEqual(problem);
  });

  it('HttpProblemError carries its problem and uses the detail as message', () => {
    const error = new HttpProblemError(problemOf('payload-too-large', 'too big'));
    expect(error.problem.status).toBe(413);
    expect(error.message).toBe('too big');
    expect(error.name).toBe('HttpProblemError');
  });
});
