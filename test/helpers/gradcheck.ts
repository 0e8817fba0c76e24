/**
 * The generic gradient checker every model uses: builds a Net twice through a factory (same seed, same batch), then
 * 1. on the JS backend, checks each parameter's gradient (the Net's backward) against central finite differences of
 *    the Net's own loss — the loss is accumulated in float64 by the kernels and the difference quotient is taken in
 *    float64, while parameters and activations are float32, so h is large (1e-2) and the tolerance allows the
 *    float32 noise of the loss (≈1e-7 relative) divided by 2h;
 * 2. checks the wasm backend's gradients against the JS backend's, elementwise.
 * The state (parameters and running statistics) is restored after every perturbation, so the checks leave the Net
 * as they found it.
 */
import { expect } from 'vitest';
import { createBackend, type Backend } from '../../src/backend/index.ts';
import type { Net, Workspace } from '../../src/nn/net.ts';
import { sizeOf } from '../../src/nn/layer.ts';
import { Rng } from '../../src/rng.ts';

/** A Net and a training workspace with a batch already written into it. */
export interface NetUnderTest {
  net: Net;
  ws: Workspace;
}

/** Options for {@link checkGradients}. */
export interface GradCheckOptions {
  /** Elements checked per parameter tensor (random, all when the tensor is smaller). Default 12. */
  perTensor?: number;
  /** Finite-difference step (default 1e-2). */
  h?: number;
  /** Tolerance of |numeric − analytic| relative to max(|numeric|, 1e-2·largest |gradient| of the tensor). */
  rtol?: number;
  /** Tolerance of wasm vs JS, relative to the largest |gradient| of each tensor (default 1e-4). */
  backendTol?: number;
}

/** All parameter gradients of the last lossAndGradients, by tensor name (copies). */
export function gradientsOf(net: Net): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const t of net.tensors) {
    if (t.grad === null) continue;
    out.set(t.name, Float64Array.from(net.backend.arena.f32(t.grad, sizeOf(t.shape))));
  }
  return out;
}

/** Checks a Net's gradients by finite differences (JS backend) and wasm against JS. Returns the number of checks. */
export async function checkGradients(
  build: (backend: Backend) => NetUnderTest | Promise<NetUnderTest>,
  options: GradCheckOptions = {},
): Promise<number> {
  const { perTensor = 12, h = 1e-2, rtol = 2e-2, backendTol = 1e-4 } = options;
  const js = await build(await createBackend('js'));
  js.net.lossAndGradients(js.ws);
  const analytic = gradientsOf(js.net);
  const arena = js.net.backend.arena;
  const saved = arena.f32(js.net.state, js.net.stateFloats).slice();
  const restore = (): void => arena.f32(js.net.state, js.net.stateFloats).set(saved);
  const rng = new Rng(7);
  let checks = 0;
  for (const t of js.net.tensors) {
    if (t.grad === null) continue;
    const n = sizeOf(t.shape);
    const g = analytic.get(t.name)!;
    const scale = Math.max(...Array.from(g, Math.abs), 1e-6);
    const picks = n <= perTensor ? [...Array(n).keys()] : Array.from({ length: perTensor }, () => rng.int(n));
    for (const i of picks) {
      const at = (t.ptr >>> 2) + i;
      const x = saved[(t.ptr - js.net.state) / 4 + i]!;
      arena.F32[at] = x + h;
      const up = js.net.lossAndGradients(js.ws);
      restore();
      arena.F32[at] = x - h;
      const down = js.net.lossAndGradients(js.ws);
      restore();
      // the step actually taken in float32
      const step = Math.fround(x + h) - Math.fround(x - h);
      const numeric = (up - down) / step;
      const tol = rtol * Math.max(Math.abs(numeric), 1e-2 * scale) + 1e-5;
      expect(Math.abs(numeric - g[i]!), `${t.name}[${i}]: numeric ${numeric} vs backward ${g[i]}`).toBeLessThanOrEqual(tol);
      checks++;
    }
  }
  js.net.lossAndGradients(js.ws); // leave the gradients of the unperturbed state

  const wasm = await build(await createBackend('wasm'));
  wasm.net.lossAndGradients(wasm.ws);
  const fast = gradientsOf(wasm.net);
  for (const [name, g] of analytic) {
    const w = fast.get(name)!;
    const scale = Math.max(...Array.from(g, Math.abs), 1e-6);
    let worst = 0;
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(w[i]! - g[i]!));
    expect(worst / scale, `${name}: wasm vs JS, largest difference ${worst} (scale ${scale})`).toBeLessThanOrEqual(backendTol);
  }
  return checks;
}

/** Writes ids and targets into a workspace: random contexts (ids in [0, V)) and targets (with −1 where `ignore`). */
export function fillBatch(net: Net, ws: Workspace, V: number, seed: number, ignore: (row: number) => boolean = () => false): void {
  const rng = new Rng(seed);
  const arena = net.backend.arena;
  const ids = arena.i32(ws.ids, ws.rows * sizeOf(net.input));
  for (let i = 0; i < ids.length; i++) ids[i] = rng.int(V);
  const targets = arena.i32(ws.targets, ws.rows * net.targetsPerExample);
  for (let i = 0; i < targets.length; i++) targets[i] = ignore(i) ? -1 : rng.int(V);
}
