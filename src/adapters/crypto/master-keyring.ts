import { createHash } from 'node:crypto';

export interface MasterKey {
  id: string;
  key: Buffer;
}

/**
 * The master keys fngraph can unwrap data keys with: the current one (used for new
 * data) and older ones kept during a rotation.
 */
export class MasterKeyring {
  private readonly byId: Map<string, MasterKey>;

  constructor(
    readonly current: MasterKey,
    previous: MasterKey[] = [],
  ) {
    this.byId = new Map([current, ...previous].map((k) => [k.id, k]));
  }

  static fromKeys(current: Buffer, previous: Buffer[] = []): MasterKeyring {
    return new MasterKeyring(toMasterKey(current), previous.map(toMasterKey));
  }

  find(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }
}

/** A key's id is a fingerprint, so ids never need to be configured or stored apart. */
function toMasterKey(key: Buffer): MasterKey {
  if (key.length !== 32) throw new Error('A master key must be 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}
