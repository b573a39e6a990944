/**
 * The layout of an invoice-receipt or credit note: seller and logo, the title with the Israeli
 * original mark, buyer and facts, the lines, totals, payment, legal notes; the seller's footer
 * and the page number on every page, and the table's column heads again on every page the
 * lines flow onto. Every text comes from the DocumentView (document-view.ts).
 */
import { Document, Image, Page, Text, View } from '@react-pdf/renderer';
import type { DocumentProps, Styles } from '@react-pdf/renderer';
import type { ReactElement } from 'react';
import type { DocumentView, LabelledValue } from './document-view.js';
import { documentStyles } from './document-styles.js';
import type { DocumentStyles } from './document-styles.js';

export interface DocumentMetadata {
  /** The PDF's creation date: the document's issue time, so the same document gives the same bytes. */
  creationDate: Date;
  language: string;
  conformance: 'PDF/A-3b';
}

function Rows({ rows, styles }: { rows: LabelledValue[]; styles: DocumentStyles }): ReactElement {
  return (
    <View>
      {rows.map((row, i) => (
        <View key={i} style={styles.factRow}>
          <Text style={styles.factLabel}>{row.label}</Text>
          <Text style={styles.factValue}>{row.value}</Text>
        </View>
      ))}
    </View>
  );
}

/** Lines of one block. Every Text names its direction: react-pdf does not inherit it from a View. */
function Lines({ lines, style }: { lines: string[]; style: Styles[string] }): ReactElement {
  return (
    <>
      {lines.map((line, i) => (
        <Text key={i} style={style}>
          {line}
        </Text>
      ))}
    </>
  );
}

function Footer({ view, styles }: { view: DocumentView; styles: DocumentStyles }): ReactElement {
  return (
    <View style={styles.footer} fixed>
      <View style={styles.footerColumns}>
        {view.footer.columns.map((column, i) => (
          <View key={i} style={styles.footerColumn}>
            <Lines lines={column} style={styles.text} />
          </View>
        ))}
      </View>
      {view.footer.text ? <Text style={styles.footerText}>{view.footer.text}</Text> : null}
    </View>
  );
}

function LineTable({ view, styles }: { view: DocumentView; styles: DocumentStyles }): ReactElement {
  const { columns } = view.labels;
  return (
    <View>
      <View style={styles.tableHead} fixed>
        <Text style={styles.description}>{columns.description}</Text>
        <Text style={styles.quantity}>{columns.quantity}</Text>
        <Text style={styles.money}>{columns.unitPrice}</Text>
        <Text style={styles.money}>{columns.amount}</Text>
      </View>
      {view.lines.map((line, i) => (
        <View key={i} style={styles.tableRow} wrap={false}>
          <Text style={styles.description}>{line.description}</Text>
          <Text style={styles.quantity}>{line.quantity}</Text>
          <Text style={styles.money}>{line.unitPrice}</Text>
          <Text style={styles.money}>{line.amount}</Text>
        </View>
      ))}
    </View>
  );
}

function Totals({ view, styles }: { view: DocumentView; styles: DocumentStyles }): ReactElement {
  const last = view.totals.length - 1;
  return (
    <View style={styles.totals} wrap={false}>
      {view.totals.map((row, i) => (
        <View key={i} style={i === last ? styles.grandTotalRow : styles.totalRow}>
          <Text style={styles.text}>{row.label}</Text>
          <Text style={styles.endText}>{row.value}</Text>
        </View>
      ))}
    </View>
  );
}

/** The whole document as a react-pdf element (a function, not a component: react-pdf wants its `<Document>` at the root). */
export function documentElement(
  view: DocumentView,
  metadata: DocumentMetadata,
): ReactElement<DocumentProps> {
  const styles = documentStyles(view.labels.direction);
  const heading = `${view.title} ${view.number}`;
  return (
    <Document
      title={heading}
      author={view.seller.name}
      subject={heading}
      creator="ipnhub"
      producer="ipnhub"
      language={metadata.language}
      creationDate={metadata.creationDate}
      modificationDate={metadata.creationDate}
      conformance={metadata.conformance}
    >
      <Page size="A4" style={styles.page}>
        <Text
          style={styles.pageHeader}
          fixed
          render={({ pageNumber, totalPages }) =>
            pageNumber > 1
              ? `${heading} · ${view.page(pageNumber, totalPages)}`
              : view.page(pageNumber, totalPages)
          }
        />
        <View style={styles.top}>
          <View style={styles.sellerBlock}>
            <Text style={styles.sellerName}>{view.seller.name}</Text>
            <Lines lines={view.seller.lines} style={styles.small} />
          </View>
          {view.logo ? (
            <Image
              style={styles.logo}
              src={{
                data: Buffer.from(view.logo.base64, 'base64'),
                format: view.logo.mediaType === 'image/png' ? 'png' : 'jpg',
              }}
            />
          ) : null}
        </View>
        <Text style={styles.title}>{view.title}</Text>
        {view.originalMark ? <Text style={styles.mark}>{view.originalMark}</Text> : null}
        {view.corrects ? <Text style={styles.corrects}>{view.corrects}</Text> : null}
        <View style={styles.addresses}>
          <View style={styles.buyerBlock}>
            <Text style={styles.sectionLabel}>{view.buyer.heading}</Text>
            <Lines lines={view.buyer.lines} style={styles.text} />
          </View>
          <View style={styles.factsBlock}>
            <Rows rows={view.facts} styles={styles} />
          </View>
        </View>
        <LineTable view={view} styles={styles} />
        <Totals view={view} styles={styles} />
        <View style={styles.payment} wrap={false}>
          <Rows rows={view.payment} styles={styles} />
        </View>
        {view.notes.length > 0 ? (
          <View style={styles.notes} wrap={false}>
            {view.notes.map((note, i) => (
              <Text key={i} style={styles.note}>
                {note}
              </Text>
            ))}
          </View>
        ) : null}
        <Footer view={view} styles={styles} />
      </Page>
    </Document>
  );
}
