/**
 * The server-side canvas (@napi-rs/canvas, a native addon), loaded on first
 * use rather than on import: importing 'course-kit' in a worker, a child
 * process or the grader's sandbox (where Node's permission model refuses
 * native addons) costs nothing until a picture is actually drawn.
 */
import { createRequire } from 'node:module';
import type * as NapiCanvas from '@napi-rs/canvas';

let loaded: typeof NapiCanvas | undefined;

export type Canvas = NapiCanvas.Canvas;

export function createCanvas(width: number, height: number): Canvas {
  loaded ??= createRequire(import.meta.url)('@napi-rs/canvas') as typeof NapiCanvas;
  return loaded.createCanvas(width, height);
}
