// SHA3-256 (FIPS 202) over Keccak-f[1600]. Web Crypto has SHA-256 but no SHA-3, and HXO's default
// hash is SHA3-256, so the console carries its own. Each 64-bit lane is kept as two 32-bit halves
// (lo, hi) in a Uint32Array: lane i = x + 5*y sits at [2i] (low word) and [2i + 1] (high word).

const ROUND_CONSTANTS = [
  // [lo, hi] of the 24 iota constants
  [0x00000001, 0x00000000], [0x00008082, 0x00000000], [0x0000808a, 0x80000000], [0x80008000, 0x80000000],
  [0x0000808b, 0x00000000], [0x80000001, 0x00000000], [0x80008081, 0x80000000], [0x00008009, 0x80000000],
  [0x0000008a, 0x00000000], [0x00000088, 0x00000000], [0x80008009, 0x00000000], [0x8000000a, 0x00000000],
  [0x8000808b, 0x00000000], [0x0000008b, 0x80000000], [0x00008089, 0x80000000], [0x00008003, 0x80000000],
  [0x00008002, 0x80000000], [0x00000080, 0x80000000], [0x0000800a, 0x00000000], [0x8000000a, 0x80000000],
  [0x80008081, 0x80000000], [0x00008080, 0x80000000], [0x80000001, 0x00000000], [0x80008008, 0x80000000],
];

// rho rotation of lane x + 5*y
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

// pi: lane (x, y) moves to (y, 2x + 3y)
const PI_TARGET = new Array(25);
for (let x = 0; x < 5; x++) {
  for (let y = 0; y < 5; y++) {
    PI_TARGET[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  }
}

const RATE = 136; // bytes: 1600 - 2 * 256 bits

/** Keccak-f[1600] on the state, in place. */
export function keccakF1600(s) {
  const c = new Uint32Array(10);
  const b = new Uint32Array(50);
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      c[2 * x] = s[2 * x] ^ s[2 * x + 10] ^ s[2 * x + 20] ^ s[2 * x + 30] ^ s[2 * x + 40];
      c[2 * x + 1] = s[2 * x + 1] ^ s[2 * x + 11] ^ s[2 * x + 21] ^ s[2 * x + 31] ^ s[2 * x + 41];
    }
    for (let x = 0; x < 5; x++) {
      const l = (x + 4) % 5;
      const r = (x + 1) % 5;
      // D[x] = C[x-1] ^ rotl(C[x+1], 1)
      const dLo = c[2 * l] ^ ((c[2 * r] << 1) | (c[2 * r + 1] >>> 31));
      const dHi = c[2 * l + 1] ^ ((c[2 * r + 1] << 1) | (c[2 * r] >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] ^= dLo;
        s[2 * (x + y) + 1] ^= dHi;
      }
    }
    // rho and pi
    for (let i = 0; i < 25; i++) {
      const lo = s[2 * i];
      const hi = s[2 * i + 1];
      const n = ROTATIONS[i];
      const t = PI_TARGET[i];
      if (n === 0) {
        b[2 * t] = lo;
        b[2 * t + 1] = hi;
      } else if (n < 32) {
        b[2 * t] = (lo << n) | (hi >>> (32 - n));
        b[2 * t + 1] = (hi << n) | (lo >>> (32 - n));
      } else if (n === 32) {
        b[2 * t] = hi;
        b[2 * t + 1] = lo;
      } else {
        const m = n - 32;
        b[2 * t] = (hi << m) | (lo >>> (32 - m));
        b[2 * t + 1] = (lo << m) | (hi >>> (32 - m));
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = x + y;
        const i1 = ((x + 1) % 5) + y;
        const i2 = ((x + 2) % 5) + y;
        s[2 * i] = b[2 * i] ^ (~b[2 * i1] & b[2 * i2]);
        s[2 * i + 1] = b[2 * i + 1] ^ (~b[2 * i1 + 1] & b[2 * i2 + 1]);
      }
    }
    // iota
    s[0] ^= ROUND_CONSTANTS[round][0];
    s[1] ^= ROUND_CONSTANTS[round][1];
  }
}

function absorbBlock(state, block, offset) {
  for (let i = 0; i < RATE / 4; i++) {
    const o = offset + 4 * i;
    state[i] ^= block[o] | (block[o + 1] << 8) | (block[o + 2] << 16) | (block[o + 3] << 24);
  }
  keccakF1600(state);
}

/** SHA3-256 of a Uint8Array; returns the 32-byte digest as a Uint8Array. */
export function sha3_256(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const state = new Uint32Array(50);
  const full = bytes.length - (bytes.length % RATE);
  for (let off = 0; off < full; off += RATE) {
    absorbBlock(state, bytes, off);
  }
  // last (partial) block with the SHA-3 domain bits 01 and pad10*1
  const last = new Uint8Array(RATE);
  last.set(bytes.subarray(full));
  last[bytes.length - full] ^= 0x06;
  last[RATE - 1] ^= 0x80;
  absorbBlock(state, last, 0);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = state[i];
    out[4 * i] = w & 0xff;
    out[4 * i + 1] = (w >>> 8) & 0xff;
    out[4 * i + 2] = (w >>> 16) & 0xff;
    out[4 * i + 3] = (w >>> 24) & 0xff;
  }
  return out;
}
