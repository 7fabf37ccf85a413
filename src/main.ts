// The page's entry: reads the hyper-parameters from the URL, starts the engine worker and hands the
// store and the session to the app shell.
import './ui/theme.css';
import './ui/lab-app';
import { startEngine } from './ui/engine-client';
import { LabSession } from './ui/lab-session';
import { TrainingStore } from './ui/training-store';
import { configFromSearch } from './ui/url-config';

const { config, warnings } = configFromSearch(location.search);
const store = new TrainingStore(config);
warnings.forEach((w) => store.notify('warning', w));

const engine = startEngine((message) => store.notify('error', message));
const session = new LabSession(store, engine.api);

const app = document.querySelector('lab-app') ?? document.body.appendChild(document.createElement('lab-app'));
app.store = store;
app.session = session;
void session.start();
