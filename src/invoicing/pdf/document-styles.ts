/**
 * The page layout in one reading direction. react-pdf lays rows out left to right whatever the
 * text direction, so a right-to-left document reverses its rows and aligns text to the right;
 * the text itself is ordered by react-pdf's Unicode bidi algorithm (`direction: 'rtl'`).
 */
import { StyleSheet } from '@react-pdf/renderer';
import { FONT_FAMILY } from './fonts.js';

/** Space kept free at the foot of every page for the seller's footer. */
const FOOTER_HEIGHT = 96;
const MARGIN = 42;
const INK = '#1f2933';
const MUTED = '#52606d';
const RULE = '#cbd2d9';

export type DocumentStyles = ReturnType<typeof documentStyles>;

export function documentStyles(direction: 'ltr' | 'rtl') {
  const rtl = direction === 'rtl';
  const row = rtl ? 'row-reverse' : 'row';
  const start = rtl ? 'right' : 'left';
  const end = rtl ? 'left' : 'right';
  const text = { direction, textAlign: start } as const;
  const endText = { direction, textAlign: end } as const;
  return StyleSheet.create({
    page: {
      fontFamily: FONT_FAMILY,
      fontSize: 9.5,
      color: INK,
      paddingTop: MARGIN + 14,
      paddingBottom: FOOTER_HEIGHT + MARGIN / 2,
      paddingHorizontal: MARGIN,
    },
    pageHeader: {
      position: 'absolute',
      top: MARGIN / 2,
      left: MARGIN,
      right: MARGIN,
      fontSize: 8,
      color: MUTED,
      ...endText,
    },
    top: { flexDirection: row, justifyContent: 'space-between', marginBottom: 22 },
    sellerBlock: { maxWidth: '60%' },
    sellerName: { fontSize: 13, fontWeight: 700, ...text },
    small: { fontSize: 8.5, color: MUTED, ...text },
    logo: { width: 64, height: 64, objectFit: 'contain' },
    addresses: { flexDirection: row, justifyContent: 'space-between', marginBottom: 20 },
    buyerBlock: { width: '48%' },
    factsBlock: { width: '44%' },
    sectionLabel: { fontSize: 8, color: MUTED, marginBottom: 2, ...text },
    text,
    endText,
    factRow: { flexDirection: row, justifyContent: 'space-between' },
    factLabel: { color: MUTED, ...text },
    factValue: { ...endText },
    title: { fontSize: 18, fontWeight: 700, marginBottom: 2, ...text },
    mark: { fontSize: 10, fontWeight: 700, color: MUTED, marginBottom: 6, ...text },
    corrects: { marginBottom: 10, fontWeight: 700, ...text },
    tableHead: {
      flexDirection: row,
      borderBottomWidth: 1,
      borderBottomColor: INK,
      paddingBottom: 3,
      marginBottom: 3,
      fontWeight: 700,
    },
    tableRow: {
      flexDirection: row,
      borderBottomWidth: 0.5,
      borderBottomColor: RULE,
      paddingVertical: 4,
    },
    description: { flexGrow: 1, flexBasis: 0, paddingHorizontal: 2, ...text },
    quantity: { width: 50, paddingHorizontal: 2, ...endText },
    money: { width: 92, paddingHorizontal: 2, ...endText },
    totals: { marginTop: 10, alignSelf: rtl ? 'flex-start' : 'flex-end', width: '50%' },
    totalRow: { flexDirection: row, justifyContent: 'space-between', paddingVertical: 1.5 },
    grandTotalRow: {
      flexDirection: row,
      justifyContent: 'space-between',
      borderTopWidth: 1,
      borderTopColor: INK,
      paddingTop: 3,
      marginTop: 2,
      fontWeight: 700,
    },
    payment: { marginTop: 18, width: '48%', alignSelf: rtl ? 'flex-end' : 'flex-start' },
    notes: { marginTop: 14 },
    note: { fontWeight: 700, ...text },
    footer: {
      position: 'absolute',
      bottom: MARGIN / 2,
      left: MARGIN,
      right: MARGIN,
      height: FOOTER_HEIGHT - 6,
      borderTopWidth: 0.5,
      borderTopColor: RULE,
      paddingTop: 5,
      fontSize: 7.5,
      color: MUTED,
    },
    footerColumns: { flexDirection: row, justifyContent: 'space-between' },
    footerColumn: { width: '32%' },
    footerText: { marginTop: 4, ...text },
  });
}
