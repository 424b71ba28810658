// RFC 9162 §2.1 inclusion proofs, checked exactly as contracts' MerkleTree/InclusionProof do:
// leaf hash H(0x00 ‖ cas_id ‖ output_digest) over the raw 32-byte values, node hash H(0x01 ‖ left ‖ right).
// SHA-256 comes from Web Crypto, SHA3-256 from sha3.js.
import { sha3_256 } from './sha3.js';

const HASH_LENGTH = 32;

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || !/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new Error('not lowercase hex: ' + String(hex).slice(0, 80));
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(2 * i, 2), 16);
  }
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function hash32(hex, what) {
  const b = hexToBytes(hex);
  if (b.length !== HASH_LENGTH) {
    throw new Error(what + ' must be ' + HASH_LENGTH + ' bytes');
  }
  return b;
}

/** The digest function of a proof's hash_alg ("sha-256" or "sha3-256"): async (Uint8Array) => Uint8Array. */
export function digestFor(alg) {
  if (alg === 'sha3-256') {
    return async (data) => sha3_256(data);
  }
  if (alg === 'sha-256') {
    if (!globalThis.crypto || !globalThis.crypto.subtle) {
      throw new Error('Web Crypto is not available here (the page needs a secure context: https or localhost)');
    }
    return async (data) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
  }
  throw new Error('unknown hash algorithm ' + alg);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export async function leafHash(digest, casId, outputDigest) {
  return digest(concat(Uint8Array.of(0x00), casId, outputDigest));
}

export async function nodeHash(digest, left, right) {
  return digest(concat(Uint8Array.of(0x01), left, right));
}

function equal(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    diff |= a[i] ^ b[i];
  }
  return diff === 0;
}

/**
 * RFC 9162 §2.1.3.2. Returns the root the audit path leads to, or null when the path cannot belong
 * to a tree of that size (wrong length, index outside it).
 */
export async function rootFromPath(digest, leaf, index, size, path) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return null;
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) {
      return null;
    }
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(digest, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(digest, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * Verifies a proof document as the gateway serves it ({plan_id, cas_id, output_digest, leaf_index,
 * tree_size, hash_alg, audit_path, merkle_root}). expectedRoot (hex), when given, is the root the
 * proof must lead to — the plan's certified root — so a proof cannot vouch for itself.
 * Returns {ok, reason, computedRoot}.
 */
export async function verifyProof(proof, expectedRoot) {
  try {
    if (!proof || typeof proof !== 'object') {
      return { ok: false, reason: 'the proof is not a JSON object' };
    }
    const digest = digestFor(proof.hash_alg);
    const cas = hash32(proof.cas_id, 'cas_id');
    const out = hash32(proof.output_digest, 'output_digest');
    if (!Array.isArray(proof.audit_path)) {
      return { ok: false, reason: 'audit_path is not a list' };
    }
    const path = proof.audit_path.map((p, i) => hash32(p, 'audit_path[' + i + ']'));
    const claimed = hash32(proof.merkle_root, 'merkle_root');
    const leaf = await leafHash(digest, cas, out);
    const computed = await rootFromPath(digest, leaf, proof.leaf_index, proof.tree_size, path);
    if (computed === null) {
      return { ok: false, reason: 'the audit path does not fit leaf ' + proof.leaf_index + ' of a tree of ' + proof.tree_size };
    }
    const computedHex = bytesToHex(computed);
    if (!equal(computed, claimed)) {
      return { ok: false, reason: 'the path leads to ' + computedHex + ', not to the proof\'s root', computedRoot: computedHex };
    }
    if (expectedRoot && computedHex !== expectedRoot) {
      return { ok: false, reason: 'the path leads to ' + computedHex + ', not to the plan\'s root ' + expectedRoot, computedRoot: computedHex };
    }
    return { ok: true, reason: 'leaf ' + proof.leaf_index + ' of ' + proof.tree_size + ' leads to the root (' + proof.hash_alg + ')', computedRoot: computedHex };
  } catch (e) {
    return { ok: false, reason: e.message };
  }
}
