// Random tokens for sessions and invitations. Only a SHA-256 of a secret is ever stored.
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

// 32 characters, without look-alikes (no l, o, 0, 1): each byte's top five bits pick one.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function generateSecureRandomString(bytes = 24): string {
	const buffer = new Uint8Array(bytes);
	crypto.getRandomValues(buffer);
	let out = '';
	for (const byte of buffer) out += ALPHABET[byte >> 3];
	return out;
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
	return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash));
}
