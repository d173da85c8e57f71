/**
 * Unknown template names are adopted from `default` once each, with one log line, up to a cap; a
 * templates file without `default` adopts nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  loadSessionTemplates,
  maxAdoptedTemplates,
  parseSessionTemplates,
} from '../../src/directory/session-templates';

describe('template adoption', () => {
  it('adopts an unknown name from default once, keeping its spelling, and logs it once', () => {
    const loaded = loadSessionTemplates();
    if (!loaded.ok) throw new Error(loaded.error);
    const lines: string[] = [];
    const first = loaded.value.getOrAdopt('MinecraftLobby', (line) => lines.push(line));
    const again = loaded.value.getOrAdopt('minecraftlobby', (line) => lines.push(line));
    expect(first).toBe(again);
    expect(first).toMatchObject({
      name: 'MinecraftLobby',
      defaultSystem: loaded.value.get('default')?.defaultSystem,
    });
    expect(lines).toHaveLength(1);
    expect(loaded.value.get('MINECRAFTLOBBY')).toBe(first);
    expect(loaded.value.getOrAdopt('not a name!', () => undefined)).toBeUndefined();
  });

  it(`stops adopting after ${maxAdoptedTemplates} names, saying so`, () => {
    const loaded = loadSessionTemplates();
    if (!loaded.ok) throw new Error(loaded.error);
    const lines: string[] = [];
    for (let i = 0; i < maxAdoptedTemplates; i += 1) {
      expect(loaded.value.getOrAdopt(`title-${i}`, () => undefined)).toBeDefined();
    }
    expect(loaded.value.getOrAdopt('one-too-many', (line) => lines.push(line))).toBeUndefined();
    expect(lines[0]).toMatch(/not adopted/);
    expect(loaded.value.getOrAdopt('title-0', () => undefined)?.name).toBe('title-0');
  });

  it('adopts nothing without a default template', () => {
    const parsed = parseSessionTemplates({ templates: { only: {} } });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.getOrAdopt('MinecraftLobby', () => undefined)).toBeUndefined();
  });
});
