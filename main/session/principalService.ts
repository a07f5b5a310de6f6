import { userInfo } from 'node:os';
import type { Principal, SessionStatus } from '../../preload/contract.js';

type Listener = (status: SessionStatus) => void;

/**
 * Who is working. Until someone signs in with Identity Center this is the local OS profile; leases and
 * audit entries name whatever principal this returns at the time of the action.
 */
export class PrincipalService {
  private signedIn: { principal: Principal; expiresAt: string } | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly localProfile: Principal;

  constructor(username: string = safeUsername()) {
    this.localProfile = { id: `local:${username}`, displayName: username, kind: 'local-profile' };
  }

  current(): Principal {
    return this.signedIn?.principal ?? this.localProfile;
  }

  status(): SessionStatus {
    return {
      signedIn: this.signedIn !== null,
      principal: this.current(),
      expiresAt: this.signedIn?.expiresAt ?? null,
    };
  }

  /** Called by the sign-in flow; the renderer only ever sees `status()`. */
  setSignedIn(principal: Principal, expiresAt: Date): void {
    this.signedIn = { principal, expiresAt: expiresAt.toISOString() };
    this.emit();
  }

  signOut(): void {
    this.signedIn = null;
    this.emit();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}

function safeUsername(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
