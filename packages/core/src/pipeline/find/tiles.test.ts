import { describe, expect, it } from 'vitest';
import { overlapOfSmaller } from '../box.js';
import { TILING_MIN_SIDE, tilesOf } from './tiles.js';

describe('tilesOf', () => {
  it('gives no tiles below the minimum short side', () => {
    expect(tilesOf(1920, TILING_MIN_SIDE - 1)).toEqual([]);
    expect(tilesOf(640, 480)).toEqual([]);
  });

  it('covers the frame with square tiles, three across the short side', () => {
    for (const [width, height] of [[2100, 1750], [2048, 1536], [1536, 2048], [2048, 2048], [1024, 1024], [2048, 1024], [5000, 1100]] as const) {
      const tiles = tilesOf(width, height);
      const side = tiles[0]!.width;
      expect(tiles.every((t) => t.width === side && t.height === side), `${width}×${height}`).toBe(true);
      expect(Math.min(new Set(tiles.map((t) => t.y)).size, new Set(tiles.map((t) => t.x)).size), `${width}×${height}`).toBe(3);
      // Every pixel is in a tile: check a lattice of points.
      for (let y = 0; y < height; y += 37) {
        for (let x = 0; x < width; x += 41) {
          expect(tiles.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height), `${x},${y} of ${width}×${height}`).toBe(true);
        }
      }
      expect(tiles.every((t) => t.x >= 0 && t.y >= 0 && t.x + t.width <= width && t.y + t.height <= height)).toBe(true);
    }
  });

  it('overlaps neighbours so that a face of a quarter tile lies whole in some tile', () => {
    const [width, height] = [2100, 1750];
    const tiles = tilesOf(width, height);
    expect(tiles).toHaveLength(12);
    const face = Math.floor(tiles[0]!.width / 4);
    for (let y = 0; y + face <= height; y += 50) {
      for (let x = 0; x + face <= width; x += 50) {
        expect(tiles.some((t) => overlapOfSmaller(t, { x, y, width: face, height: face }) === 1), `${x},${y}`).toBe(true);
      }
    }
  });
});
