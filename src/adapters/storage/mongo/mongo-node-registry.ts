import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { NodeRegistry } from '@/modules/invocations/node-registry.js';

interface NodeDocument {
  _id: string;
  role: string;
  startedAt: Date;
  seenAt: Date;
}

@Injectable()
export class MongoNodeRegistry extends NodeRegistry {
  private readonly nodes: Collection<NodeDocument>;

  constructor(@InjectConnection() connection: Connection) {
    super();
    this.nodes = connection.collection<NodeDocument>('nodes');
  }

  async heartbeat(nodeId: string, role: string, at: Date): Promise<void> {
    await this.nodes.updateOne({ _id: nodeId }, { $set: { role, seenAt: at }, $setOnInsert: { startedAt: at } }, { upsert: true });
  }

  async liveNodeIds(seenSince: Date): Promise<string[]> {
    const live = await this.nodes.find({ seenAt: { $gte: seenSince } }, { projection: { _id: 1 } }).toArray();
    return live.map((node) => node._id);
  }

  async deadNodeIds(seenBefore: Date): Promise<string[]> {
    const dead = await this.nodes.find({ seenAt: { $lt: seenBefore } }, { projection: { _id: 1 } }).toArray();
    return dead.map((node) => node._id);
  }

  async remove(nodeId: string): Promise<void> {
    await this.nodes.deleteOne({ _id: nodeId });
  }
}
