import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../../infra/local/log-format.ts';

describe('formatLogLine (npm start terminal output)', () => {
  it('turns a Powertools audit entry into one line with the decision and its fields', () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: 'assignment.applied',
      timestamp: '2026-11-26T23:55:07.839Z',
      service: 'cxone-assignments-local',
      cold_start: false,
      function_name: 'cxone-assignments-local-dispatchAssignments',
      function_request_id: 'a7892946',
      assignmentId: 'asg-1',
      audit: { action: 'assignment.applied', assignmentId: 'asg-1', latencyMs: 863, failedAgents: [] },
    });
    expect(formatLogLine(line)).toBe(
      '23:55:07.839 INFO  dispatchAssignments assignment.applied assignmentId=asg-1 latencyMs=863 failedAgents=[]',
    );
  });

  it('names an error by its class and message and quotes strings with spaces', () => {
    const line = JSON.stringify({
      level: 'WARN',
      message: 'dispatch will be retried',
      timestamp: '2026-11-26T23:55:07.839Z',
      function_name: 'cxone-assignments-local-dispatchAssignments',
      error: { name: 'RetryLaterError', message: 'CXone answered 503', stack: 'at …' },
      reason: 'two words',
    });
    expect(formatLogLine(line)).toBe(
      '23:55:07.839 WARN  dispatchAssignments dispatch will be retried error="RetryLaterError: CXone answered 503" reason="two words"',
    );
  });

  it('shows EMF metric lines as their names and values', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: Date.parse('2026-11-26T23:55:07.900Z'),
        CloudWatchMetrics: [{ Metrics: [{ Name: 'TotalLatencyMs' }] }],
      },
      TotalLatencyMs: 863,
      service: 'x',
    });
    expect(formatLogLine(line)).toBe('23:55:07.900 METRIC TotalLatencyMs=863');
  });

  it('leaves lines that are not Powertools JSON untouched', () => {
    expect(formatLogLine('ready api=http://127.0.0.1:3000')).toBe('ready api=http://127.0.0.1:3000');
    expect(formatLogLine('{not json')).toBe('{not json');
    expect(formatLogLine('{"a":1}')).toBe('{"a":1}');
  });
});
