import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sampleEvent } from './sample-event.js';
import {
  applyMapping,
  isEmptyValue,
  mappingSchema,
  mappingSpecPaths,
  renderComplete,
  renderTagNames,
  renderTemplate,
  resolvePath,
  templatePaths,
  templateScope,
  validateMapping,
  validateTemplate,
} from './template.js';

const scope = templateScope(sampleEvent('payment'));

describe('templateScope', () => {
  it('adds the aliases event, product, amount and raw', () => {
    expect(scope.event).toBe('payment');
    expect(scope.product).toEqual({
      productId: '543210',
      name: 'Online Course Basic',
      quantity: 1,
      isAddon: false,
      amount: 9700,
    });
    expect(scope.amount).toBe('97.00');
    expect(scope.raw).toEqual(sampleEvent().raw);
    expect(scope.id).toBe('evt_01HXZ3M8Q4000000000000SAMP');
  });

  it('formats the amount in the order currency and is null without an order or amount', () => {
    const base = sampleEvent();
    const order = base.order;
    if (!order) throw new Error('sample has an order');
    expect(
      templateScope(sampleEvent('payment', { order: { ...order, currency: 'JPY', amount: 1200 } }))
        .amount,
    ).toBe('1200');
    expect(
      templateScope(sampleEvent('payment', { order: { ...order, amount: null } })).amount,
    ).toBeNull();
    const bare = templateScope(sampleEvent('connection_test', { order: null }));
    expect(bare.amount).toBeNull();
    expect(bare.product).toBeNull();
    expect(bare.event).toBe('connection_test');
  });
});

describe('resolvePath', () => {
  it.each([
    ['buyer.email', 'anna.beispiel@example.com'],
    ['buyer.address.city', 'Berlin'],
    ['order.items.0.productId', '543210'],
    ['order.amount', 9700],
    ['source.test', false],
    ['raw.custom', 'crm_contact=42'],
    ['buyer.company', null],
    ['order.items.1.productId', null],
    ['order.items.x', null],
    ['buyer.email.length', null],
    ['nothing.here', null],
    ['buyer.toString', null],
    ['', null],
  ])('%s → %o', (path, expected) => {
    expect(resolvePath(scope, path)).toEqual(expected);
  });

  it('reaches flat keys with dots in them, as PayPal webhook fields are kept in raw', () => {
    const flat = {
      raw: {
        'resource.id': '8MC585209K746392H',
        'resource.amount.value': '19.99',
        resource: 'not this',
      },
    };
    expect(resolvePath(flat, 'raw.resource.id')).toBe('8MC585209K746392H');
    expect(resolvePath(flat, 'raw.resource.amount.value')).toBe('19.99');
    expect(resolvePath(flat, 'raw.resource')).toBe('not this');
    expect(resolvePath(flat, 'raw.resource.missing')).toBeNull();
    expect(renderTemplate('{raw.resource.id}', flat)).toBe('8MC585209K746392H');
  });

  it('returns objects and arrays as they are', () => {
    expect(resolvePath(scope, 'order.items')).toEqual([
      {
        productId: '543210',
        name: 'Online Course Basic',
        quantity: 1,
        isAddon: false,
        amount: 9700,
      },
    ]);
    expect(resolvePath(scope, 'affiliate')).toBeNull();
  });
});

describe('renderComplete and renderTagNames', () => {
  const withProduct = { event: 'refund', product: { name: 'Kurs' }, order: { id: 'O1' } };
  const withoutProduct = { event: 'refund', product: null, order: { id: 'O1' } };

  it('renders only when every placeholder has a value; a default filter counts as a value', () => {
    expect(renderComplete('{product.name}-{event}', withProduct)).toBe('Kurs-refund');
    expect(renderComplete('{product.name}-{event}', withoutProduct)).toBeNull();
    expect(renderComplete('{product.name|default:all}-{event}', withoutProduct)).toBe('all-refund');
    expect(renderComplete('plain {{braces}}', withoutProduct)).toBe('plain {braces}');
  });

  it('makes tag names without fragments, whitespace collapsed, duplicates ignoring case dropped', () => {
    expect(
      renderTagNames(
        [
          '{product.name}',
          '{product.name}-{event}',
          'paypal-integration',
          'PayPal-Integration',
          '  a   b ',
        ],
        withoutProduct,
      ),
    ).toEqual(['paypal-integration', 'a b']);
    expect(
      renderTagNames(['{product.name}', '{product.name}-{event}', 'kurs'], withProduct),
    ).toEqual(['Kurs', 'Kurs-refund']);
  });
});

describe('renderTemplate', () => {
  it.each([
    ['[ipnhub] {event} — order {order.id}', '[ipnhub] payment — order K7QX2M9P'],
    [
      '{buyer.firstName} {buyer.lastName} <{buyer.email}>',
      'Anna Beispiel <anna.beispiel@example.com>',
    ],
    ['{order.amount}', '9700'],
    ['{order.amount|money} {order.currency}', '97.00 EUR'],
    ['{amount}', '97.00'],
    ['{buyer.company}', ''],
    ['{buyer.company|default:private customer}', 'private customer'],
    ['{buyer.firstName|default:x}', 'Anna'],
    ['{buyer.email|upper}', 'ANNA.BEISPIEL@EXAMPLE.COM'],
    ['{order.currency|lower}', 'eur'],
    ['{buyer.company|upper|default:n/a}', 'n/a'],
    ['{ buyer.city | default : none }', ' none '],
    ['{source.test}', 'false'],
    [
      '{order.items.0}',
      '{"productId":"543210","name":"Online Course Basic","quantity":1,"isAddon":false,"amount":9700}',
    ],
    ['{{literal}} and {{{event}}}', '{literal} and {payment}'],
    ['no placeholders', 'no placeholders'],
    ['', ''],
  ])('%s → %s', (template, expected) => {
    expect(renderTemplate(template, scope)).toBe(expected);
  });

  it('formats money by the currency of the order', () => {
    const order = sampleEvent().order;
    if (!order) throw new Error('sample has an order');
    const kwd = templateScope(
      sampleEvent('payment', { order: { ...order, currency: 'KWD', amount: 12345 } }),
    );
    expect(renderTemplate('{order.amount|money}', kwd)).toBe('12.345');
    expect(renderTemplate('{raw.quantity|money}', kwd)).toBe('0.001');
    expect(renderTemplate('{buyer.email|money}', kwd)).toBe('anna.beispiel@example.com');
    expect(renderTemplate('{buyer.company|money}', kwd)).toBe('');
  });

  it('leaves placeholders with an unknown filter or a bad path unchanged', () => {
    expect(renderTemplate('Hi {buyer.firstName|shout}!', scope)).toBe(
      'Hi {buyer.firstName|shout}!',
    );
    expect(renderTemplate('{buyer.firstName|lower:x}', scope)).toBe('{buyer.firstName|lower:x}');
    expect(renderTemplate('{not a path}', scope)).toBe('{not a path}');
    expect(renderTemplate('{}', scope)).toBe('{}');
  });

  it('keeps stray braces as text', () => {
    expect(renderTemplate('a { b', scope)).toBe('a { b');
    expect(renderTemplate('a } b {event}', scope)).toBe('a } b payment');
    expect(renderTemplate('{ {event}', scope)).toBe('{ payment');
  });
});

describe('empty values: one rule for every connector', () => {
  const bare = templateScope(sampleEvent('refund', { order: null, buyer: null }));

  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    ['  \n\t', true],
    [' x ', false],
    [0, false],
    [false, false],
    [[], false],
  ])('isEmptyValue(%o) → %s', (value, expected) => {
    expect(isEmptyValue(value)).toBe(expected);
  });

  it('renders a template whose result is only whitespace as the empty string', () => {
    expect(renderTemplate('{amount} {order.currency}', bare)).toBe('');
    expect(renderTemplate('  {buyer.company}\n', scope)).toBe('');
    expect(applyMapping({ note: '{amount} {order.currency}' }, bare)).toEqual({ note: '' });
    // Text around a value is kept as it is.
    expect(renderTemplate(' {amount} {order.currency}', scope)).toBe(' 97.00 EUR');
    expect(renderTemplate('{buyer.company} Ltd', scope)).toBe(' Ltd');
  });

  it('treats whitespace-only values as absent in default and in complete renders', () => {
    const blank = { product: { name: '   ' }, event: 'refund' };
    expect(renderTemplate('{product.name|default:none}', blank)).toBe('none');
    expect(renderComplete('{product.name}-{event}', blank)).toBeNull();
    expect(renderTagNames(['{product.name}', 'fixed'], blank)).toEqual(['fixed']);
  });
});

describe('templatePaths and mappingSpecPaths', () => {
  it('lists the paths of well-formed placeholders only', () => {
    expect(
      templatePaths('{buyer.email|lower} and {order.amount|money} {{x}} {bad path} {x|nope}'),
    ).toEqual(['buyer.email', 'order.amount']);
    expect(templatePaths('no placeholders')).toEqual([]);
  });

  it('reads a mapping spec as a template or as one path', () => {
    expect(mappingSpecPaths('{buyer.firstName} {buyer.lastName}')).toEqual([
      'buyer.firstName',
      'buyer.lastName',
    ]);
    expect(mappingSpecPaths(' buyer.address.city ')).toEqual(['buyer.address.city']);
    expect(mappingSpecPaths('not a path')).toEqual([]);
  });
});

describe('validateTemplate', () => {
  it('finds nothing wrong in good templates', () => {
    expect(
      validateTemplate(
        '[ipnhub] {event} — {order.amount|money} {order.currency|upper} {buyer.company|default:-} {{x}}',
      ),
    ).toEqual([]);
  });

  it('reports unknown filters, bad paths, arguments and stray braces', () => {
    expect(validateTemplate('{buyer.email|shout}')).toEqual([
      '{buyer.email|shout}: unknown filter "shout" (known: money, lower, upper, default)',
    ]);
    expect(validateTemplate('{a b}')).toEqual([
      '{a b}: "a b" is not a path (letters, digits, _ and - separated by dots)',
    ]);
    expect(validateTemplate('{x|upper:1}')).toEqual([
      '{x|upper:1}: filter "upper" takes no argument',
    ]);
    expect(validateTemplate('open { here')).toEqual([
      'unclosed "{" at position 5 (write "{{" for a literal brace)',
    ]);
    expect(validateTemplate('close } here')).toEqual([
      'unmatched "}" at position 6 (write "}}" for a literal brace)',
    ]);
  });
});

describe('applyMapping', () => {
  it('keeps JSON types for paths and renders templates to text', () => {
    expect(
      applyMapping(
        {
          email: 'buyer.email',
          amount_cents: 'order.amount',
          amount: '{order.amount|money}',
          test: 'source.test',
          company: 'buyer.company',
          items: 'order.items',
          missing: 'no.such.field',
          name: '{buyer.firstName} {buyer.lastName}',
        },
        scope,
      ),
    ).toEqual({
      email: 'anna.beispiel@example.com',
      amount_cents: 9700,
      amount: '97.00',
      test: false,
      company: null,
      items: [
        {
          productId: '543210',
          name: 'Online Course Basic',
          quantity: 1,
          isAddon: false,
          amount: 9700,
        },
      ],
      missing: null,
      name: 'Anna Beispiel',
    });
  });

  it('builds nested objects from dotted target keys', () => {
    expect(
      applyMapping(
        {
          'customer.email': 'buyer.email',
          'customer.address.city': 'buyer.address.city',
          order: 'order.id',
        },
        scope,
      ),
    ).toEqual({
      customer: { email: 'anna.beispiel@example.com', address: { city: 'Berlin' } },
      order: 'K7QX2M9P',
    });
  });

  it('never writes to the prototype', () => {
    const result = applyMapping(
      { '__proto__.polluted': 'buyer.email', 'a.__proto__': 'buyer.email', ok: 'event' },
      scope,
    );
    expect(result).toEqual({ ok: 'payment' });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mappingSchema and validateMapping', () => {
  it('accepts a good mapping', () => {
    const mapping = { 'customer.email': 'buyer.email', subject: 'Order {order.id}' };
    expect(mappingSchema.parse(mapping)).toEqual(mapping);
    expect(validateMapping(mapping)).toEqual([]);
  });

  it('refuses bad templates, bad paths, colliding and malformed keys', () => {
    const problems = validateMapping({
      a: 'x',
      'a.b': 'y',
      'c..d': 'z',
      e: '{x|nope}',
      f: 'not a path',
      '__proto__.x': 'event',
    });
    expect(problems).toEqual([
      'target "a" is both a value and the parent of "a.b"',
      'target "c..d": empty part in the dotted name',
      'target "e": {x|nope}: unknown filter "nope" (known: money, lower, upper, default)',
      'target "f": "not a path" is neither a path nor a template with {placeholders}',
      'target "__proto__.x": "__proto__" is not allowed',
    ]);
    const parsed = mappingSchema.safeParse({ e: '{x|nope}' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([
      'target "e": {x|nope}: unknown filter "nope" (known: money, lower, upper, default)',
    ]);
  });

  it('finds a value that is also a parent wherever the keys stand, and only at dot boundaries', () => {
    expect(
      validateMapping({
        'x.y.z': 'event',
        'x.w': 'event',
        x: 'event',
        'xy.z': 'event',
        'x.y': 'event',
      }),
    ).toEqual([
      'target "x" is both a value and the parent of "x.y.z"',
      'target "x.y" is both a value and the parent of "x.y.z"',
    ]);
    expect(validateMapping({ ab: 'event', 'a.b': 'event', 'abc.d': 'event' })).toEqual([]);
    // Thousands of entries are checked in one pass (it used to compare every key with every other).
    const wide = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`group${i % 50}.field${i}`, 'buyer.email']),
    );
    expect(validateMapping({ ...wide, group7: 'event' })).toEqual([
      'target "group7" is both a value and the parent of "group7.field7"',
    ]);
  });

  it('produces a JSON Schema of string values', () => {
    expect(z.toJSONSchema(mappingSchema)).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
  });
});
