/** The game's output split into bounded lines: over-long lines are cut off as they arrive. */
import { describe, expect, it } from 'vitest';
import { BoundedLineReader } from '../../../src/main/game/bounded-line-reader';

function reader(max: number) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const bounded = new BoundedLineReader(max, {
    line: (text) => lines.push(text),
    overflow: (bytes) => overflows.push(bytes),
  });
  return { bounded, lines, overflows };
}

describe('BoundedLineReader', () => {
  it('splits chunks into lines, joins lines split across chunks, drops \\r, keeps UTF-8 whole', () => {
    const { bounded, lines } = reader(64);
    const text = Buffer.from('one\r\ntwo ünï', 'utf8');
    bounded.push(text.subarray(0, 9));
    bounded.push(Buffer.concat([text.subarray(9), Buffer.from('code\nthree')]));
    bounded.end();
    expect(lines).toEqual(['one', 'two ünïcode', 'three']);
  });

  it('reports a line over the cap once, as soon as it passes it, skips its rest and reads the next line', () => {
    const { bounded, lines, overflows } = reader(1024);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    bounded.push(Buffer.from('{"type":"left"}\n'));
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      bounded.push(chunk);
      // The reader holds nothing of the long line after the first chunk.
      expect(overflows).toHaveLength(1);
    }
    bounded.push(Buffer.from('\nafter\n'));
    expect(overflows).toEqual([chunk.length]);
    expect(lines).toEqual(['{"type":"left"}', 'after']);
  });

  it('a line of exactly the cap is a line; one byte more is not', () => {
    const exact = reader(8);
    exact.bounded.push(Buffer.from('12345678\n123456789\n'));
    expect(exact.lines).toEqual(['12345678']);
    expect(exact.overflows).toEqual([9]);
  });

  it('a chunk that starts with a newline ends the line before it', () => {
    const { bounded, lines } = reader(64);
    bounded.push(Buffer.from('a'));
    bounded.push(Buffer.from('\nb\n'));
    expect(lines).toEqual(['a', 'b']);
  });

  it('the end of output after a complete line adds no empty line', () => {
    const { bounded, lines } = reader(64);
    bounded.push(Buffer.from('a\n'));
    bounded.end();
    expect(lines).toEqual(['a']);
  });
});
