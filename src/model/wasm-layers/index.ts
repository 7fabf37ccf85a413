// Attaches the wasm ops to their layer modules (imported for its effect by the wasm backend).
import './activations';
import './batchnorm';
import './conv2d';
import './dense';
import './dropout';
import './joins';
import './pool2d';
