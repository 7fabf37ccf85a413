// Attaches the wasm ops to their layer modules (imported for its effect by the wasm backend).
import './activations';
import './dense';
import './dropout';
