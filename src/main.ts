// The page's entry: reads the hyper-parameters from the URL, starts the engine worker and hands the
// store and the session to the app shell.
import './ui/theme.css';
import './ui/lab-app';
import { startEngine } from './ui/engine-client';
import { LabSession } from './ui/lab-session';
import { RunFilesSession } from './ui/run-files-session';
import { indexedDbRunsBackend } from './ui/runs-idb';
import { RunsSession } from './ui/runs-session';
import { TrainingStore } from './ui/training-store';
import { builtinFromSearch, configFromSearch } from './ui/url-config';

const { config, warnings } = configFromSearch(location.search);
const builtin = builtinFromSearch(location.search);
const store = new TrainingStore(config);
[...warnings, ...(builtin.warning ? [builtin.warning] : [])].forEach((w) => store.notify('warning', w));

const engine = startEngine((message) => store.notify('error', message));
const session = new LabSession(store, engine.api);
const files = new RunFilesSession(store, engine.api, session);
// Every run is kept in IndexedDB when it stops or finishes (in memory where IndexedDB is missing).
const runs = new RunsSession(store, engine.api, indexedDbRunsBackend().catch(() => undefined));

const app = document.querySelector('lab-app') ?? document.body.appendChild(document.createElement('lab-app'));
app.store = store;
app.session = session;
app.files = files;
app.runs = runs;
// Once the dataset is in, offer the run this browser saved (every epoch end and on Stop), if any.
void session.start(builtin.name).then(() => files.checkSaved());
