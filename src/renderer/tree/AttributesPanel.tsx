/**
 * The selected node: what it is (kind, NX_class, shape, dtype, chunks, filters, link), its value
 * when small, and every attribute with its value and type — NeXpy's View Data / h5web's metadata.
 */
import type { ReactNode } from 'react';

import type { NxAttribute } from '../../nexus/model/types.ts';
import { useTree } from '../state/store-context.tsx';
import { copyText } from './copy-text.ts';
import { formatShapeText, formatValue, kindText, linkKindText, linkTargetText } from './format.ts';
import styles from './AttributesPanel.module.css';
import { formatNxrError } from '../../shared/errors.ts';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

function AttributeValue({ a }: { a: NxAttribute }) {
  if (a.nonUtf8) {
    return (
      <>
        {formatValue(a.value)}{' '}
        <span className={styles.note} title="bytes that are not valid UTF-8, read as Latin-1">
          (not UTF-8: {Array.isArray(a.escaped) ? a.escaped.join(', ') : a.escaped})
        </span>
      </>
    );
  }
  return <>{formatValue(a.value)}</>;
}

export function AttributesPanel() {
  const file = useTree((s) => s.file);
  if (!file) return null;
  const { entity, entityError, selected } = file;
  const node = file.nodes[selected]?.node;
  const shown = entity && entity.path === selected ? entity : null;
  const target = node ? linkTargetText(node) : null;

  return (
    <div className={styles.panel} aria-live="polite">
      <h2 className={styles.title}>{selected === '/' ? file.info.name : (node?.name ?? selected)}</h2>
      <div className={styles.path}>
        <code>{selected}</code>
        <button
          type="button"
          className={styles.copy}
          onClick={() => void copyText(selected).catch(() => undefined)}
          title="Copy the path"
        >
          Copy path
        </button>
      </div>
      {entityError ? (
        <p role="alert" className={styles.error}>
          {formatNxrError(entityError)}
        </p>
      ) : null}
      {node ? (
        <table className={styles.info} aria-label="Node information">
          <tbody>
            <Row label="Kind">{kindText(node)}</Row>
            {node.nxClass ? <Row label="NX_class">{node.nxClass}</Row> : null}
            {node.kind === 'dataset' ? <Row label="Shape">{formatShapeText(node.shape)}</Row> : null}
            {node.dtype ? <Row label="Type">{node.dtype}</Row> : null}
            {shown?.maxshape ? (
              <Row label="Max shape">
                ({shown.maxshape.map((d) => (d === null ? 'None' : String(d))).join(', ')}
                {shown.maxshape.length === 1 ? ',' : ''})
              </Row>
            ) : null}
            {shown?.chunks ? <Row label="Chunks">{formatShapeText(shown.chunks)}</Row> : null}
            {shown?.filters && shown.filters.length > 0 ? (
              <Row label="Filters">{shown.filters.map((f) => `${f.name} (${f.id})`).join(', ')}</Row>
            ) : null}
            {node.kind === 'group' && node.childCount !== undefined ? (
              <Row label="Members">{node.childCount}</Row>
            ) : null}
            {target ? (
              <Row label={linkKindText(node) ?? 'Link'}>
                <code className={node.dangling ? styles.danger : undefined}>{target}</code>
                {node.dangling ? <span className={styles.missing}>missing</span> : null}
              </Row>
            ) : null}
            {selected === '/' ? <Row label="File">{file.info.path}</Row> : null}
          </tbody>
        </table>
      ) : null}
      {shown?.value !== undefined ? (
        <section>
          <h3 className={styles.heading}>Value{shown.valueTruncated ? ' (first elements)' : ''}</h3>
          <pre className={styles.value}>{formatValue(shown.value)}</pre>
        </section>
      ) : null}
      {shown?.valueError ? <p className={styles.error}>Value: {formatNxrError(shown.valueError)}</p> : null}
      <section>
        <h3 className={styles.heading}>Attributes{shown ? ` (${shown.attributes.length})` : ''}</h3>
        {!shown && !entityError ? <p className={styles.muted}>Loading…</p> : null}
        {shown && shown.attributes.length === 0 ? <p className={styles.muted}>No attributes</p> : null}
        {shown && shown.attributes.length > 0 ? (
          <table className={styles.attrs} aria-label="Attributes">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Type</th>
              </tr>
            </thead>
            <tbody>
              {shown.attributes.map((a) => (
                <tr key={a.name}>
                  <td className={styles.attrName}>{a.name}</td>
                  <td className={styles.attrValue}>
                    <AttributeValue a={a} />
                  </td>
                  <td className={styles.attrType}>
                    {a.dtype}
                    {a.shape && a.shape.length > 0 ? ` (${a.shape.join('×')})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </div>
  );
}
