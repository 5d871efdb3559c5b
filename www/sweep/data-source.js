// The data a sweep trains on, as a worker 'load-data' source (see ../protocol.js). Sweeps run on
// the named sets (prepared files under data/, fetched once and copied to each worker; one that
// regresses a column of another, such as breast-cancer-area, too) and the generated toy sets; a
// file the user dropped lives only in the main worker, so it cannot be swept and says so.
import { DATASETS, preparedSource } from '../ui/data.js';
import { fetchPreparedPart } from '../prepared-fetch.js';

/** {name, ...toy parameters} → a function giving a fresh source (with its transfer list) per worker. */
export async function sourceFor(dataRef) {
  const name = dataRef?.name;
  const spec = DATASETS.find((d) => d.id === name);
  if (!spec || spec.custom) {
    const known = DATASETS.filter((d) => !d.custom).map((d) => d.id).join(', ');
    throw new Error(`sweeps run on a named data set (${known}); ${name ? `“${name}” is not one` : 'the page has none loaded'}`);
  }
  if (spec.toy) {
    const p = { ...spec.defaults, ...dataRef };
    return () => ({ source: { kind: 'toy', name, n: p.n, noise: p.noise, seed: p.seed }, transfer: [] });
  }
  const get = async (file) => {
    const res = await fetch(`data/${file}`);
    if (!res.ok) throw new Error(`data/${file}: HTTP ${res.status} (prepare the data with make data)`);
    return res;
  };
  const manifest = await (await get(`${spec.file}.json`)).json();
  const train = await fetchPreparedPart(manifest.train);
  const test = manifest.test ? await fetchPreparedPart(manifest.test) : null;
  const text = JSON.stringify(manifest);
  return () => {
    const t = train.slice(0);
    const s = test ? test.slice(0) : undefined;
    return {
      source: preparedSource(spec, t, s, text),
      transfer: s ? [t, s] : [t],
    };
  };
}
