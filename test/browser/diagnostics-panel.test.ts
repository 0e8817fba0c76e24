/**
 * The demo's initialization selector and diagnostics panel in a real Chromium: pick `naive` without BatchNorm, press
 * Train, and the first loss is far above ln 27, the tanh layers' histograms show saturation, and the update:data
 * chart grows with the guide line at −3. Saved as test-artifacts/demo-diagnostics.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useDemo } from './setup.ts';

const demo = useDemo({ width: 1200, height: 900 });

describe('demo diagnostics panel', () => {
  it('naive init without BatchNorm: loss starts far above ln 27, tanh saturates, update:data is charted', async () => {
    await demo.page.selectOption('#kind', 'mlp');
    await demo.page.fill('#hidden', '64,64');
    await demo.page.setChecked('#batchNorm', false);
    await demo.page.selectOption('#init', 'naive');
    await demo.fill({ steps: 300, decayStep: '' /* never */, evalEvery: 100, diagnosticsEvery: 100 });
    const state = await demo.train(90_000);
    expect(state.error).toBe('');
    expect(demo.pageErrors).toEqual([]);
    expect(state.config!.init).toBe('naive');
    expect(state.losses[0]!).toBeGreaterThan(15);

    const panel = demo.page.locator('#diagnostics-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: join(ARTIFACTS, 'demo-diagnostics.png') });
    // one series and one legend entry per tanh layer, over the fixed [−1, 1] axis, with the step in the title
    const act = demo.page.locator('#diag-activations svg');
    expect(await act.count()).toBe(1);
    expect(await act.locator('polyline.series').count()).toBe(2);
    const legends = await act.locator('g.legend-entry text').allTextContents();
    expect(legends).toHaveLength(2);
    expect(legends[0]).toMatch(/^hidden\.0\.tanh \(Tanh\): mean [+-]\d\.\d\d, std \d\.\d\d, saturated: \d+\.\d\d%$/);
    expect(await act.locator('g.axis.x').count()).toBe(1);
    expect(await act.locator('title').textContent()).toBe('Activations at step 300');
    const saturated = legends.map((l) => Number(/saturated: ([\d.]+)%/.exec(l)![1]));
    expect(Math.max(...saturated)).toBeGreaterThan(50);
    expect(await demo.page.locator('#diag-status').textContent()).toMatch(/saturated/);
    // update:data: the three weight matrices and the embedding, one point per diagnostics step, and the guide line
    const upd = demo.page.locator('#diag-updates svg');
    expect(await upd.locator('polyline.series').count()).toBe(4);
    const points = await upd.locator('polyline.series').first().getAttribute('points');
    expect(points!.trim().split(' ')).toHaveLength(3);
    expect(await upd.locator('line.guide').count()).toBe(1);
  }, 120_000);
});
