import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../ui/CopyButton';
import { ferryHeaders, sampleBody, signedHeaders, snippets, type Snippet } from './snippets';
import './verify.css';

export function VerifyingPage() {
  const { t } = useTranslation('verify');
  return (
    <section aria-labelledby="verify-title" className="verify-page">
      <h1 id="verify-title">{t('title')}</h1>
      <p>{t('intro')}</p>

      <h2>{t('steps.title')}</h2>
      <ol className="verify-steps">
        <li>{t('steps.rawBody')}</li>
        <li>{t('steps.timestamp')}</li>
        <li>{t('steps.constantTime')}</li>
        <li>{t('steps.anySignature')}</li>
      </ol>

      <h2>{t('headers.title')}</h2>
      <div className="table-scroll">
        <table className="verify-headers">
          <thead>
            <tr>
              <th scope="col">{t('headers.name')}</th>
              <th scope="col">{t('headers.meaning')}</th>
              <th scope="col">{t('headers.signed')}</th>
            </tr>
          </thead>
          <tbody>
            {ferryHeaders.map((h) => (
              <tr key={h}>
                <th scope="row" className="mono">
                  {h}
                </th>
                <td>{t(`headers.about.${h}`)}</td>
                <td>{signedHeaders.includes(h) ? t('headers.yes') : t('headers.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{t('body')}</p>
      <CodeBlock code={sampleBody} title={t('bodyLabel')} />

      <h2 id="verify-code-title">{t('code.title')}</h2>
      <CodeTabs labelledBy="verify-code-title" />

      <h2>{t('notes.title')}</h2>
      <ul className="verify-notes">
        <li>
          <strong>{t('notes.dedupTitle')}</strong> {t('notes.dedup')}
        </li>
        <li>
          <strong>{t('notes.fastTitle')}</strong> {t('notes.fast')}
        </li>
        <li>
          <strong>{t('notes.urlCheckTitle')}</strong> {t('notes.urlCheck')}
        </li>
        <li>
          <strong>{t('notes.rotationTitle')}</strong> {t('notes.rotation')} <Link to="/signing-keys">{t('notes.keysLink')}</Link>
        </li>
        <li>
          <strong>{t('notes.xSignatureTitle')}</strong> {t('notes.xSignature')}
        </li>
      </ul>
    </section>
  );
}

// A WAI-ARIA tablist: arrows, Home and End move between tabs and select them;
// Tab moves into the selected panel.
function CodeTabs({ labelledBy }: { labelledBy: string }) {
  const { t } = useTranslation('verify');
  const base = useId();
  const [selected, setSelected] = useState(0);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function select(i: number) {
    const next = (i + snippets.length) % snippets.length;
    setSelected(next);
    tabs.current[next]?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    const moves: Record<string, () => void> = {
      ArrowRight: () => select(selected + 1),
      ArrowLeft: () => select(selected - 1),
      Home: () => select(0),
      End: () => select(snippets.length - 1),
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      move();
    }
  }

  return (
    <div className="verify-tabs">
      <div role="tablist" aria-labelledby={labelledBy} onKeyDown={onKeyDown}>
        {snippets.map((s, i) => (
          <button
            key={s.language}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${s.language}`}
            aria-selected={i === selected}
            aria-controls={`${base}-panel-${s.language}`}
            tabIndex={i === selected ? 0 : -1}
            onClick={() => setSelected(i)}
          >
            {s.label}
          </button>
        ))}
      </div>
      {snippets.map((s, i) => (
        <div
          key={s.language}
          role="tabpanel"
          id={`${base}-panel-${s.language}`}
          aria-labelledby={`${base}-tab-${s.language}`}
          hidden={i !== selected}
          tabIndex={0}
          className="verify-panel"
        >
          {i === selected && <SnippetPanel snippet={s} />}
        </div>
      ))}
      <p className="muted">{t('code.tested')}</p>
    </div>
  );
}

function SnippetPanel({ snippet }: { snippet: Snippet }) {
  const { t } = useTranslation('verify');
  return (
    <>
      <p>{t(`code.${snippet.language}.intro`)}</p>
      {snippet.blocks.map((b) => (
        <div key={b.id}>
          <h3 className="verify-block-title">{t(`code.${snippet.language}.${b.id}`)}</h3>
          <CodeBlock code={b.code} title={t(`code.${snippet.language}.${b.id}`)} />
        </div>
      ))}
    </>
  );
}

// Focusable so that keyboard users can scroll a wide block.
function CodeBlock({ code, title }: { code: string; title: string }) {
  const { t } = useTranslation('verify');
  return (
    <div className="verify-code">
      <pre className="code" tabIndex={0} aria-label={title}>
        <code>{code}</code>
      </pre>
      <div className="verify-copy">
        <CopyButton text={code} label={t('code.copy', { what: title })} />
      </div>
    </div>
  );
}
