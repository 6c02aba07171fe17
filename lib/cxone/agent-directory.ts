// userId → agentId for the admin target: CXone writes skill members by agentId, callers name agents by userId.
import { parseAgents } from './admin-responses.ts';
import { readAllPages } from './paging.ts';

export interface DirectoryLookup {
  /** The agentIds found, by userId. */
  found: Map<string, number>;
  /** userIds no CXone agent has, even after a listing no older than the directory's maximum age. */
  unknown: string[];
}

/**
 * One tenant's agents, learnt from skill reads and from paged `GET /agents` listings. A userId not known is looked up
 * by listing every agent again, at most once per `maxAgeMs`; concurrent lookups share one listing.
 */
export class AgentDirectory {
  private readonly byUserId = new Map<string, number>();
  private listedAt = Number.NEGATIVE_INFINITY;
  private listing: Promise<void> | undefined;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: { maxAgeMs: number; now: () => number }) {
    this.maxAgeMs = options.maxAgeMs;
    this.now = options.now;
  }

  learn(userId: string, agentId: number): void {
    this.byUserId.set(userId, agentId);
  }

  /** The agentId already learnt for `userId`, without any listing. */
  known(userId: string): number | undefined {
    return this.byUserId.get(userId);
  }

  /**
   * Resolves `userIds`, listing the tenant's agents when one is unknown and the last listing is older than the
   * maximum age. `getPage(skip)` reads one page of `GET /agents` (parsed by parseAgents).
   */
  async lookup(
    userIds: readonly string[],
    getPage: (skip: number) => Promise<unknown>,
  ): Promise<DirectoryLookup> {
    const missing = userIds.some((userId) => !this.byUserId.has(userId));
    if (missing && this.now() - this.listedAt >= this.maxAgeMs) {
      this.listing ??= this.list(getPage).finally(() => {
        this.listing = undefined;
      });
      await this.listing;
    }
    const found = new Map<string, number>();
    const unknown: string[] = [];
    for (const userId of new Set(userIds)) {
      const agentId = this.byUserId.get(userId);
      if (agentId === undefined) unknown.push(userId);
      else found.set(userId, agentId);
    }
    return { found, unknown };
  }

  private async list(getPage: (skip: number) => Promise<unknown>): Promise<void> {
    const agents = await readAllPages(
      async (skip) => parseAgents(await getPage(skip)),
      (agent) => agent.agentId,
    );
    for (const agent of agents) this.byUserId.set(agent.userId, agent.agentId);
    this.listedAt = this.now();
  }
}
