#!/usr/bin/env node
// Draws images/icon.png (128×128 RGBA): an Azure-blue shield with a white padlock.
// Pure Node: shapes are sampled 4×4 per pixel for anti-aliasing, the PNG is written with zlib only.
// Usage: node scripts/make-icon.mjs [out.png]
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4; // samples per axis
const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');

const SHIELD_LEFT = [0x00, 0x78, 0xd4]; // Azure blue
const SHIELD_RIGHT = [0x00, 0x5a, 0x9e]; // darker half, for depth
const LOCK = [0xff, 0xff, 0xff];

// Shapes in unit coordinates (u right, v down), each a predicate.
const HALF = 0.36;
function inShield(u, v) {
  const d = Math.abs(u - 0.5);
  if (d > HALF) return false;
  const top = 0.07 + 0.05 * (1 - (d / HALF) ** 2); // crest dips towards the middle
  if (v < top) return false;
  if (v <= 0.52) return true;
  const t = (v - 0.52) / 0.43; // 0 → 1 down to the point at v = 0.95
  return t <= 1 && d <= HALF * (1 - t ** 1.7);
}
function roundedRect(u, v, x0, y0, x1, y1, r) {
  if (u < x0 || u > x1 || v < y0 || v > y1) return false;
  const cx = Math.min(Math.max(u, x0 + r), x1 - r);
  const cy = Math.min(Math.max(v, y0 + r), y1 - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}
function inLock(u, v) {
  const body = roundedRect(u, v, 0.33, 0.44, 0.67, 0.74, 0.04);
  const r = Math.hypot(u - 0.5, v - 0.44);
  const shackle = v <= 0.44 && r <= 0.125 && r >= 0.075;
  const keyhole = Math.hypot(u - 0.5, v - 0.56) <= 0.038 || (Math.abs(u - 0.5) <= 0.014 && v >= 0.56 && v <= 0.66);
  return (body && !keyhole) || shackle;
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const u = (x + (sx + 0.5) / SS) / SIZE;
        const v = (y + (sy + 0.5) / SS) / SIZE;
        let c = null;
        if (inLock(u, v)) c = LOCK;
        else if (inShield(u, v)) c = u < 0.5 ? SHIELD_LEFT : SHIELD_RIGHT;
        if (c) {
          acc[0] += c[0];
          acc[1] += c[1];
          acc[2] += c[2];
          acc[3] += 1;
        }
      }
    }
    const i = (y * SIZE + x) * 4;
    const n = acc[3];
    // colour averaged over covered samples (straight alpha), alpha = coverage
    rgba[i] = n ? Math.round(acc[0] / n) : 0;
    rgba[i + 1] = n ? Math.round(acc[1] / n) : 0;
    rgba[i + 2] = n ? Math.round(acc[2] / n) : 0;
    rgba[i + 3] = Math.round((255 * n) / (SS * SS));
  }
}

// PNG encoding: signature, IHDR, IDAT (filter 0 per scanline, deflated), IEND.
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type: RGBA
ihdr[10] = 0; // compression
ihdr[11] = 0; // filter
ihdr[12] = 0; // interlace
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0;
  rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${SIZE}×${SIZE}, ${png.length} bytes)`);
