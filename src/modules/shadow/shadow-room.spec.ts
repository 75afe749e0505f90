import { describe, expect, it } from 'vitest';
import { type NodeUsage, noRoomReason } from './shadow-room.js';

const roomy: NodeUsage = {
  node: { inUse: 3, limit: 10 },
  memory: { inUseMb: 384, limitMb: 1024 },
  owner: { sandboxes: 1, memoryMb: 128, maxSandboxes: 5, maxMemoryMb: 512 },
  idleCandidate: false,
};

describe('noRoomReason', () => {
  it('lets a shadow run start when a new sandbox fits every limit', () => {
    expect(noRoomReason(0, 4, roomy, 128)).toBeNull();
  });

  it('refuses beyond the shadow concurrency, whatever the room', () => {
    expect(noRoomReason(4, 4, { ...roomy, idleCandidate: true }, 128)).toMatch(/FNGRAPH_SHADOW_CONCURRENCY/);
    expect(noRoomReason(0, 0, roomy, 128)).toMatch(/0 shadow runs/);
  });

  it('refuses when a new sandbox would need room the callers have (node or owner), unless one is idle already', () => {
    expect(noRoomReason(0, 4, { ...roomy, node: { inUse: 10, limit: 10 } }, 128)).toMatch(/slot/);
    expect(noRoomReason(0, 4, { ...roomy, memory: { inUseMb: 960, limitMb: 1024 } }, 128)).toMatch(/memory budget/);
    expect(noRoomReason(0, 4, { ...roomy, owner: { ...roomy.owner, sandboxes: 5 } }, 128)).toMatch(/owner's sandboxes/);
    expect(noRoomReason(0, 4, { ...roomy, owner: { ...roomy.owner, memoryMb: 448 } }, 128)).toMatch(/owner's sandbox memory/);
    expect(noRoomReason(0, 4, { ...roomy, node: { inUse: 10, limit: 10 }, idleCandidate: true }, 128)).toBeNull();
  });
});
