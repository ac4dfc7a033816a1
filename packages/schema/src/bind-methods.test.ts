import { describe, expect, it } from 'vitest';
import { bindMethods } from './bind-methods.js';

class Counter {
  count = 0;
  get doubled(): number {
    return this.count * 2;
  }
  add(n: number): number {
    this.count += n;
    return this.count;
  }
  async later(): Promise<number> {
    return this.add(1);
  }
}

describe('bindMethods', () => {
  it('makes methods work detached, keeping getters and own fields as they were', async () => {
    const counter = bindMethods(new Counter());
    const { add, later } = counter;
    expect(add(2)).toBe(2);
    expect(await later()).toBe(3);
    expect(Reflect.apply(counter.add, null, [1])).toBe(4);
    expect(counter.doubled).toBe(8);
    expect(Object.keys(counter)).toEqual(['count']); // methods bound as non-enumerable properties: JSON and spreads unchanged
  });

  it('leaves other instances of the class unbound', () => {
    bindMethods(new Counter());
    const { add } = new Counter();
    expect(() => add(1)).toThrow(TypeError);
  });
});
