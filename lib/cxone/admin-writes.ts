// The admin target's writes to `…/skills/{skillId}/agents`, and how CXone answered each agent of them.
import { type AgentResult, parseWriteResults } from './admin-responses.ts';
import { CxonePermanentError } from './errors.ts';
import type { CxoneResponse } from './http.ts';
import type { AuthorizedRequest } from './session.ts';
import type { AgentWrite } from './verify.ts';

/** Agents per POST/PUT/DELETE body. NICE documents a maximum ("Cannot send more than {0} records") but not its value. */
const WRITE_BATCH_SIZE = 100;

/** CXone's per-agent refusal texts that say the agent's membership is not what the write assumed. */
const ALREADY_ASSIGNED = /already assigned/i;
const NOT_ASSIGNED = /not assigned/i;

export interface WriteAgent {
  userId: string;
  agentId: number;
  isActive?: boolean;
  proficiency?: number;
}

export interface AdminWriterOptions {
  send: (request: Omit<AuthorizedRequest, 'ctx'>) => Promise<CxoneResponse>;
  /** `{api_endpoint}/inContactAPI/services/{version}`. */
  base: string;
  skillId: number;
  counter: { writes: number };
}

export interface AdminWriter {
  /**
   * Removes members the read (or the trusted picture) listed (batched body DELETE); one CXone says is not assigned is
   * `absent` and `missing`.
   */
  remove(agents: WriteAgent[], writes: Map<string, AgentWrite>): Promise<void>;
  /**
   * Removes managed agents the read did not list, one `DELETE …/agents/{agentId}` each: 200 means the agent was on
   * the skill after all (hidden, or inactive and not listed), 404 that it is not.
   */
  removeUnlisted(agents: WriteAgent[], writes: Map<string, AgentWrite>): Promise<void>;
  /** Updates members; one CXone says is not assigned stays refused and is marked `missing`. */
  update(agents: WriteAgent[], writes: Map<string, AgentWrite>): Promise<void>;
  /**
   * Adds agents; one that CXone says is already assigned (the read did not list it: hidden, or inactive and not
   * listed) is written again with a PUT, so it ends as desired either way.
   */
  add(agents: WriteAgent[], writes: Map<string, AgentWrite>): Promise<void>;
}

export function createAdminWriter(options: AdminWriterOptions): AdminWriter {
  const { send, base, skillId, counter } = options;
  const url = `${base}/skills/${skillId}/agents`;

  /** Sends `agents` in batches; answers each agent's result in request order. */
  async function batches(method: 'POST' | 'PUT' | 'DELETE', agents: WriteAgent[]) {
    const results: Array<{ agent: WriteAgent; result: AgentResult | undefined }> = [];
    for (let start = 0; start < agents.length; start += WRITE_BATCH_SIZE) {
      const batch = agents.slice(start, start + WRITE_BATCH_SIZE);
      const body = {
        agents: batch.map(({ agentId, isActive, proficiency }) =>
          method === 'DELETE' ? { agentId } : { agentId, isActive, proficiency },
        ),
      };
      counter.writes++;
      const response = await send({
        method,
        url,
        operation: `${method} /skills/{skillId}/agents`,
        body: JSON.stringify(body),
      });
      const parsed = parseWriteResults(
        response.body,
        batch.map((agent) => agent.agentId),
      );
      batch.forEach((agent, i) => {
        results.push({ agent, result: parsed[i] });
      });
    }
    return results;
  }

  function record(
    writes: Map<string, AgentWrite>,
    method: AgentWrite['method'],
    agent: WriteAgent,
    result: AgentResult | undefined,
    revealed = false,
  ) {
    const outcome: AgentWrite['outcome'] =
      result === undefined ? 'unknown' : result.ok ? 'ok' : { refused: result.reason };
    writes.set(agent.userId, { method, outcome, ...(revealed ? { revealed } : {}) });
  }

  return {
    async remove(agents, writes) {
      for (const { agent, result } of await batches('DELETE', agents)) {
        if (result && !result.ok && NOT_ASSIGNED.test(result.reason)) {
          writes.set(agent.userId, { method: 'DELETE', outcome: 'absent', missing: true });
        } else record(writes, 'DELETE', agent, result);
      }
    },

    async removeUnlisted(agents, writes) {
      for (const agent of agents) {
        counter.writes++;
        try {
          await send({
            method: 'DELETE',
            url: `${url}/${agent.agentId}`,
            operation: 'DELETE /skills/{skillId}/agents/{agentId}',
          });
          writes.set(agent.userId, { method: 'DELETE', outcome: 'ok', revealed: true });
        } catch (error) {
          if (!(error instanceof CxonePermanentError && error.status === 404)) throw error;
          writes.set(agent.userId, { method: 'DELETE', outcome: 'absent' });
        }
      }
    },

    async update(agents, writes) {
      for (const { agent, result } of await batches('PUT', agents)) {
        record(writes, 'PUT', agent, result);
        const write = writes.get(agent.userId);
        if (write && result && !result.ok && NOT_ASSIGNED.test(result.reason)) write.missing = true;
      }
    },

    async add(agents, writes) {
      const assigned: WriteAgent[] = [];
      for (const { agent, result } of await batches('POST', agents)) {
        if (result && !result.ok && ALREADY_ASSIGNED.test(result.reason)) assigned.push(agent);
        else record(writes, 'POST', agent, result);
      }
      for (const { agent, result } of await batches('PUT', assigned)) {
        record(writes, 'PUT', agent, result, true);
      }
    },
  };
}
