import { describe, expect, it } from 'vitest';
import { postalAddress } from './postal-address.js';

describe('postalAddress', () => {
  it('reads street, post code and city, and drops the line that names the country', () => {
    expect(postalAddress(['Lindenstraße 12', '10969 Berlin', 'Deutschland'], 'DE')).toEqual({
      line1: 'Lindenstraße 12',
      line2: null,
      line3: null,
      city: 'Berlin',
      postcode: '10969',
      subdivision: null,
      countryCode: 'DE',
    });
    expect(postalAddress(['Via dei Mille 8', '40121 Bologna (BO)', 'Italia'], 'IT')).toMatchObject({
      line1: 'Via dei Mille 8',
      postcode: '40121',
      city: 'Bologna (BO)',
    });
    expect(postalAddress(['Herzl 25', '6578901 Tel Aviv', 'ישראל'], 'IL')).toMatchObject({
      postcode: '6578901',
      city: 'Tel Aviv',
      subdivision: null,
    });
    expect(postalAddress(['Bahnhofstrasse 1', '8001 Zürich', 'Switzerland'], 'CH')).toMatchObject({
      postcode: '8001',
      city: 'Zürich',
    });
  });

  it('keeps further street lines and a state after the city line (the buyer lines the issuing side writes)', () => {
    expect(
      postalAddress(
        ['Hauptstraße 5', 'Hinterhaus', '3. OG links', 'c/o Weiß', '80331 München', 'BY'],
        'DE',
      ),
    ).toEqual({
      line1: 'Hauptstraße 5',
      line2: 'Hinterhaus',
      line3: '3. OG links, c/o Weiß',
      city: 'München',
      postcode: '80331',
      subdivision: 'BY',
      countryCode: 'DE',
    });
  });

  it('reads prefixed and lettered post codes', () => {
    expect(postalAddress(['Damrak 1', '1012 LG Amsterdam'], 'NL')).toMatchObject({
      postcode: '1012 LG',
      city: 'Amsterdam',
    });
    expect(postalAddress(['Drottninggatan 1', '111 51 Stockholm'], 'SE')).toMatchObject({
      postcode: '111 51',
      city: 'Stockholm',
    });
    expect(postalAddress(['Lindenstraße 12', 'D-10969 Berlin'], 'DE')).toMatchObject({
      postcode: '10969',
      city: 'Berlin',
    });
  });

  it('keeps an address it cannot split: the last line is the city', () => {
    expect(
      postalAddress(['14 Harbour Road', 'Dún Laoghaire, Co. Dublin A96 X2Y3', 'Ireland'], 'IE'),
    ).toEqual({
      line1: '14 Harbour Road',
      line2: null,
      line3: null,
      city: 'Dún Laoghaire, Co. Dublin A96 X2Y3',
      postcode: null,
      subdivision: null,
      countryCode: 'IE',
    });
    expect(postalAddress(['Postfach 12 34'], 'DE')).toMatchObject({
      line1: 'Postfach 12 34',
      city: null,
    });
    expect(postalAddress([' ', ''], 'DE')).toMatchObject({
      line1: null,
      city: null,
      countryCode: 'DE',
    });
  });

  it('does not drop a last line that names another country', () => {
    expect(postalAddress(['Rue de Rivoli 1', '75001 Paris', 'Frankreich'], 'DE')).toMatchObject({
      subdivision: 'Frankreich',
    });
  });
});
