/**
 * Tiled detection for dense images. The detectors see the whole frame at 128 or 192 px: in a 2100×1750 grid of
 * 30 portraits each face is ~20 px to them, and most are missed (12 of 30 found). Run again on overlapping tiles,
 * each face is several times larger and is found. The tiles' faces are merged with the whole frame's.
 *
 * Tiles are squares: three across the frame's short side, as many as needed along the long side, overlapping by
 * a quarter of their side so that a face up to that size lies whole in at least one tile. Measured on the grid:
 * two across (6 tiles) find 27–28 faces, three across (12 tiles) 29.
 */
import type { Box } from '../box.js';

/** Frames whose short side is at least this get tiled passes (where the range asks for them). */
export const TILING_MIN_SIDE = 1024;
/** Overlap of neighbouring tiles, as a fraction of the tile side. */
const TILE_OVERLAP = 0.25;
/** Tiles across the short side. */
const TILES_ACROSS = 3;

/** The tiles of a `width` × `height` frame, row by row; none when the frame is too small to need them. */
export function tilesOf(width: number, height: number): Box[] {
  const short = Math.min(width, height);
  if (short < TILING_MIN_SIDE) return [];
  const side = Math.ceil(short / (TILES_ACROSS - (TILES_ACROSS - 1) * TILE_OVERLAP));
  const starts = (length: number) => {
    const count = Math.max(1, Math.ceil((length - side) / (side * (1 - TILE_OVERLAP))) + 1);
    // Spread evenly so the last tile ends at the frame's edge.
    return Array.from({ length: count }, (_, i) => (count === 1 ? 0 : Math.round(((length - side) * i) / (count - 1))));
  };
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, width: Math.min(side, width - x), height: Math.min(side, height - y) })));
}

/** `tile` of `frame`, drawn at full resolution into a canvas of its own. */
export function tileCanvas(frame: ImageBitmap, tile: Box): OffscreenCanvas {
  const canvas = new OffscreenCanvas(tile.width, tile.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('tiles: no 2D context');
  ctx.drawImage(frame, tile.x, tile.y, tile.width, tile.height, 0, 0, tile.width, tile.height);
  return canvas;
}
