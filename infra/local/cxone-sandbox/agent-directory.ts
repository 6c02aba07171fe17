import type { SandboxAgent } from './seed.ts';

/** The tenant's agents, looked up by CXone agentId or by userId. */
export class AgentDirectory {
  readonly all: readonly SandboxAgent[];
  private readonly byAgentId: Map<number, SandboxAgent>;
  private readonly byUserId: Map<string, SandboxAgent>;

  constructor(agents: SandboxAgent[]) {
    this.all = agents;
    this.byAgentId = new Map(agents.map((agent) => [agent.agentId, agent]));
    this.byUserId = new Map(agents.map((agent) => [agent.userId, agent]));
  }

  byId(agentId: number): SandboxAgent | undefined {
    return this.byAgentId.get(agentId);
  }

  byUser(userId: string): SandboxAgent | undefined {
    return this.byUserId.get(userId);
  }

  /** CXone's `searchString`: case-insensitive substring of userId, userName, names or email. */
  search(searchString: string): SandboxAgent[] {
    const needle = searchString.toLowerCase();
    return this.all.filter((agent) =>
      [agent.userId, agent.userName, agent.firstName, agent.lastName, agent.emailAddress].some((field) =>
        field.toLowerCase().includes(needle),
      ),
    );
  }
}
