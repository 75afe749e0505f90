import { Injectable } from '@nestjs/common';
import { NodeRegistry } from '@/modules/invocations/node-registry.js';
import { SqliteDatabase } from './sqlite-database.js';

interface NodeRow {
  id: string;
}

@Injectable()
export class SqliteNodeRegistry extends NodeRegistry {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async heartbeat(nodeId: string, role: string, at: Date): Promise<void> {
    this.db
      .statement(
        'INSERT INTO nodes (id, role, started_at, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET seen_at = excluded.seen_at, role = excluded.role',
      )
      .run(nodeId, role, at.getTime(), at.getTime());
  }

  async liveNodeIds(seenSince: Date): Promise<string[]> {
    return this.db
      .statement<NodeRow>('SELECT id FROM nodes WHERE seen_at >= ?')
      .all(seenSince.getTime())
      .map((row) => row.id);
  }

  async deadNodeIds(seenBefore: Date): Promise<string[]> {
    return this.db
      .statement<NodeRow>('SELECT id FROM nodes WHERE seen_at < ?')
      .all(seenBefore.getTime())
      .map((row) => row.id);
  }

  async remove(nodeId: string): Promise<void> {
    this.db.statement('DELETE FROM nodes WHERE id = ?').run(nodeId);
  }
}
