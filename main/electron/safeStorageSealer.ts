import { safeStorage } from 'electron';
import { SealerError, type SecretSealer } from '../security/secretSealer.js';

/**
 * Seals secrets with the OS keyring through Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet).
 * On Linux without a keyring Electron falls back to a hard-coded password ('basic_text'): that is
 * reported as not protecting at rest, so policy decides whether PHI may be stored.
 */
export class SafeStorageSealer implements SecretSealer {
  readonly kind = 'os-keyring';
  readonly protectsAtRest: boolean;

  constructor() {
    if (!safeStorage.isEncryptionAvailable()) throw new SealerError('The OS keyring is not available');
    this.protectsAtRest = process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return safeStorage.encryptString(Buffer.from(plaintext).toString('base64'));
  }

  async unseal(sealed: Uint8Array): Promise<Uint8Array> {
    try {
      return Buffer.from(safeStorage.decryptString(Buffer.from(sealed)), 'base64');
    } catch {
      throw new SealerError('The OS keyring could not open this secret (another user, or a reset keyring)');
    }
  }
}
