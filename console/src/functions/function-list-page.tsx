import { useEffect, useState } from 'react';
import { FunctionListDocument, type FunctionListQuery, type Language } from '@/api/graphql.generated';
import { usePagedQuery } from '@/api/paged-query';
import { useSession } from '@/api/session';
import { href } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { Field } from '@/ui/field';
import { formatTime } from '@/ui/format';
import { LoadMoreFooter } from '@/ui/load-more-footer';
import { Empty, Loading, Page } from '@/ui/page';
import { StatusBadge } from '@/ui/status-badge';
import { LANGUAGE_LABELS } from './code-format';
import { TagList } from './tag-list';
import './functions.css';

const PAGE_SIZE = 20;

type FunctionRow = FunctionListQuery['functions']['nodes'][number];

interface Filter {
  namePrefix: string;
  tag: string;
  language: Language | '';
}

const NO_FILTER: Filter = { namePrefix: '', tag: '', language: '' };

/** `#/functions`: every function the caller may see, filtered, a page at a time. */
export function FunctionListPage() {
  const { hasRole } = useSession();
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const filtering = filter.namePrefix !== '' || filter.tag !== '' || filter.language !== '';
  return (
    <Page
      title="Functions"
      actions={
        hasRole('developer') ? (
          <a className="button primary" href={href('functions', 'new')}>
            New function
          </a>
        ) : null
      }
    >
      <FunctionFilters filter={filter} onChange={setFilter} />
      {/* A new filter starts again from the first page. */}
      <FunctionPages key={JSON.stringify(filter)} filter={filter} filtering={filtering} canCreate={hasRole('developer')} />
    </Page>
  );
}

/** The name search applies as one types, after a short pause (one request per pause, not per key). */
function FunctionFilters({ filter, onChange }: { filter: Filter; onChange: (filter: Filter) => void }) {
  const [name, setName] = useState(filter.namePrefix);
  const [tag, setTag] = useState(filter.tag);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (name !== filter.namePrefix || tag !== filter.tag) onChange({ ...filter, namePrefix: name, tag });
    }, 300);
    return () => clearTimeout(timer);
  }, [name, tag, filter, onChange]);
  return (
    <form className="filter-bar" role="search" aria-label="Filter functions" onSubmit={(event) => event.preventDefault()}>
      <Field label="Name starts with">
        {(control) => <input {...control} type="search" value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. billing-" />}
      </Field>
      <Field label="Tag">
        {(control) => <input {...control} type="search" value={tag} onChange={(event) => setTag(event.target.value)} placeholder="exact tag" />}
      </Field>
      <Field label="Language">
        {(control) => (
          <select {...control} value={filter.language} onChange={(event) => onChange({ ...filter, language: event.target.value as Language | '' })}>
            <option value="">Any</option>
            {Object.entries(LANGUAGE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </form>
  );
}

const connection = (data: FunctionListQuery) => data.functions;

function FunctionPages({ filter, filtering, canCreate }: { filter: Filter; filtering: boolean; canCreate: boolean }) {
  const list = usePagedQuery(
    FunctionListDocument,
    {
      first: PAGE_SIZE,
      filter: { namePrefix: filter.namePrefix || undefined, tag: filter.tag || undefined, language: filter.language || undefined },
    },
    connection,
  );
  if (list.items.length === 0) {
    if (list.error) return <ErrorBanner error={list.error} title="Could not list functions" />;
    if (list.loading) return <Loading what="Loading functions" />;
    return (
      <Empty>
        {filtering
          ? 'No function matches these filters. Clear them to see every function you may use.'
          : canCreate
            ? 'No functions yet. Create one with "New function", or register one with the CLI or the API.'
            : 'No functions you may see yet. Ask a developer to share one with you (permissions: allowed users or roles).'}
      </Empty>
    );
  }
  return (
    <>
      <FunctionTable functions={list.items} />
      <ErrorBanner error={list.error} title="Could not load more" />
      <LoadMoreFooter
        count={list.items.length}
        noun={['function', 'functions']}
        hasMore={list.hasMore}
        loadingMore={list.loadingMore}
        onLoadMore={list.loadMore}
      />
    </>
  );
}

function FunctionTable({ functions }: { functions: FunctionRow[] }) {
  return (
    <div className="table-scroll">
      <table className="function-table">
        <caption className="visually-hidden">Functions</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Runtime</th>
            <th scope="col">Latest version</th>
            <th scope="col">Description</th>
            <th scope="col">Tags</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {functions.map((fn) => (
            <tr key={fn.id}>
              <td>
                <a href={href('functions', fn.id)} className="function-name">
                  {fn.name}
                </a>
              </td>
              <td>
                {LANGUAGE_LABELS[fn.language]} <span className="muted">· {fn.runtime}</span>
              </td>
              <td>
                <span className="mono">{fn.latestVersion.version}</span> <StatusBadge status={fn.latestVersion.buildStatus} />
              </td>
              <td className="description-cell">{fn.description || <span className="muted">—</span>}</td>
              <td>
                <TagList tags={fn.metadata.tags} />
              </td>
              <td>{formatTime(fn.metadata.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
