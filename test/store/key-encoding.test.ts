/** The memcomparable key encoding follows MongoDB's BSON comparison order. */
import assert from 'node:assert/strict';
import { ObjectId, Decimal128, Long, Binary, Timestamp, MinKey, MaxKey } from 'bson';
import { encodeValue, encodeKey, compareValues, prefixEnd } from '../../server/db/embedded/key-encoding.js';

describe('embedded store: key encoding', () => {
  it('orders values of different types like MongoDB', () => {
    const ascending = [
      new MinKey(),
      null,
      Number.NaN,
      -Infinity,
      Long.fromNumber(-5),
      -1.5,
      0,
      Decimal128.fromString('0.5'),
      1,
      2 ** 40,
      Infinity,
      '',
      'a',
      'a\u0000b',
      'ab',
      'b',
      {},
      { a: 1 },
      { a: 1, b: 0 },
      { b: 0 },
      [],
      [1],
      [1, 2],
      new Binary(Buffer.from([9])),
      new Binary(Buffer.from([1, 1])),
      new ObjectId('000000000000000000000001'),
      new ObjectId('ffffffffffffffffffffffff'),
      false,
      true,
      new Date(-1),
      new Date(0),
      new Date(1e12),
      new Timestamp({ t: 1, i: 0 }),
      new Timestamp({ t: 1, i: 1 }),
      /a/,
      new MaxKey(),
    ];
    for (let i = 0; i + 1 < ascending.length; i++) {
      const a = ascending[i];
      const b = ascending[i + 1];
      assert.ok(compareValues(a, b) < 0, `${String(a)} should sort before ${String(b)}`);
    }
  });

  it('makes numerically equal values of different numeric types equal', () => {
    assert.ok(encodeValue(1).equals(encodeValue(Long.fromNumber(1))));
    assert.ok(encodeValue(1).equals(encodeValue(Decimal128.fromString('1.0'))));
    assert.ok(encodeValue(0).equals(encodeValue(-0)));
    assert.ok(!encodeValue('1').equals(encodeValue(1)));
  });

  it('keeps compound keys ordered field by field, and prefixes bound their range', () => {
    const k1 = encodeKey(['a', 2]);
    const k2 = encodeKey(['a', 10]);
    const k3 = encodeKey(['ab', 0]);
    assert.ok(Buffer.compare(k1, k2) < 0);
    assert.ok(Buffer.compare(k2, k3) < 0);
    const prefix = encodeValue('a');
    assert.ok(Buffer.compare(k2, prefixEnd(prefix)) < 0);
    assert.ok(Buffer.compare(k3, prefixEnd(prefix)) >= 0);
    assert.ok(Buffer.compare(encodeKey(['a'], [-1]), encodeKey(['b'], [-1])) > 0, 'descending components invert');
  });
});
