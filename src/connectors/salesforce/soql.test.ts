import { describe, expect, it } from 'vitest';
import { parseSoql } from '../../../test/fakes/salesforce-fake.js';
import { selectWhere, soqlString } from './soql.js';

describe('soql', () => {
  it('quotes and escapes string literals', () => {
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString('a\\b"c\nd\te')).toBe("'a\\\\b\\\"c\\nd\\te'");
  });

  it('builds SELECT … WHERE … AND … ORDER BY … LIMIT', () => {
    expect(
      selectWhere({
        object: 'Lead',
        fields: ['Id', 'Tags__c', 'Id'],
        where: [
          ['Email', "x'@example.com"],
          ['IsConverted', false],
        ],
        orderBy: 'CreatedDate ASC',
        limit: 1,
      }),
    ).toBe(
      "SELECT Id, Tags__c FROM Lead WHERE Email = 'x\\'@example.com' AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1",
    );
    expect(selectWhere({ object: 'Contact', fields: ['Id'], where: [] })).toBe(
      'SELECT Id FROM Contact',
    );
  });

  it("round-trips hostile values through the fake's parser unchanged", () => {
    const value = "a' OR Name = 'b\\' AND \n LIMIT 5";
    expect(
      parseSoql(
        selectWhere({ object: 'Contact', fields: ['Id'], where: [['Email', value]], limit: 1 }),
      ),
    ).toEqual({
      fields: ['Id'],
      object: 'Contact',
      where: [{ field: 'Email', value }],
      limit: 1,
    });
  });
});
