// What the table says about a key, from its timestamps.
export type KeyState =
  | { kind: 'active' }
  | { kind: 'rotating'; until: string; xSignatureSwitchesAt: string }
  | { kind: 'revoked'; at: string };

export interface KeyTimes {
  revokedAt?: string | null;
  previousExpiresAt?: string | null;
  xSignatureSwitchesAt?: string | null;
}

// A key is rotating while its previous secret still signs: the server sends
// xSignatureSwitchesAt only then, and previousExpiresAt stays set after it
// passes, so it counts only while in the future.
export function keyState(k: KeyTimes, now: Date = new Date()): KeyState {
  if (k.revokedAt) return { kind: 'revoked', at: k.revokedAt };
  const until = k.xSignatureSwitchesAt ?? k.previousExpiresAt;
  if (until && new Date(until).getTime() > now.getTime()) {
    return { kind: 'rotating', until, xSignatureSwitchesAt: k.xSignatureSwitchesAt ?? until };
  }
  return { kind: 'active' };
}
