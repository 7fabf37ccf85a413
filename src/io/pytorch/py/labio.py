"""The lab's files in Python: .safetensors (the `safetensors` package when installed, else the reader and
writer below, which need only NumPy), the lab's weights/checkpoint format (`__metadata__` =
{"format": "classifier-lab/1", "manifest": JSON}; optimizer state as `optim.{param}.{slot}`) and the
exported dataset (data.npz). (Classifier Lab: src/io/pytorch/py/labio.py.)"""
import json
import math
import os
from pathlib import Path

import numpy as np

FORMAT = 'classifier-lab/1'
DTYPES = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'I16': '<i2', 'I8': 'i1', 'U8': 'u1', 'BOOL': '?'}
MAX_HEADER = 100_000_000


class LabFileError(Exception):
    pass


def read_safetensors(path):
    """(tensors: name → NumPy array, metadata: dict of strings) of a .safetensors file."""
    try:
        from safetensors import safe_open
    except ImportError:
        safe_open = None
    if safe_open is not None:
        with safe_open(str(path), framework='np') as f:
            return {k: f.get_tensor(k) for k in f.keys()}, dict(f.metadata() or {})
    data = Path(path).read_bytes()
    fail = lambda at, why: LabFileError(f'{path}, byte {at}: {why}')
    if len(data) < 8:
        raise fail(0, 'too short for a safetensors header')
    n = int.from_bytes(data[:8], 'little')
    if n > MAX_HEADER or 8 + n > len(data):
        raise fail(0, f'header length {n} does not fit the file ({len(data)} bytes)')
    try:
        header = json.loads(data[8:8 + n].decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        raise fail(8, f'the header is not UTF-8 JSON ({e})')
    metadata = header.pop('__metadata__', None) or {}
    body = memoryview(data)[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0]):
        dtype, shape, (begin, stop) = info['dtype'], info['shape'], info['data_offsets']
        if dtype not in DTYPES:
            raise fail(8, f'tensor {name}: dtype {dtype} is not supported here')
        count = int(np.prod(shape)) if shape else 1
        if begin != end or stop - begin != count * np.dtype(DTYPES[dtype]).itemsize or stop > len(body):
            raise fail(8 + n + begin, f'tensor {name}: offsets [{begin}, {stop}] do not fit its {dtype} {shape}')
        tensors[name] = np.frombuffer(body[begin:stop], dtype=DTYPES[dtype]).reshape(shape).copy()
        end = stop
    if end != len(body):
        raise fail(8 + n + end, 'data after the last tensor')
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors as the reference writer does (sorted by name, header padded to 8 bytes), atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + '.tmp')
    arrays = {k: np.ascontiguousarray(v, dtype='<f4') for k, v in tensors.items()}
    try:
        from safetensors.numpy import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file(arrays, str(tmp), metadata=metadata)
    else:
        header, offset = {'__metadata__': metadata}, 0
        for name in sorted(arrays):
            a = arrays[name]
            header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
            offset += a.nbytes
        text = json.dumps(header, separators=(',', ':')).encode('utf-8')
        text += b' ' * (-len(text) % 8)
        with open(tmp, 'wb') as f:
            f.write(len(text).to_bytes(8, 'little'))
            f.write(text)
            for name in sorted(arrays):
                f.write(arrays[name].tobytes())
    os.replace(tmp, path)


def _finite_json(v):
    """JSON has no NaN: a non-finite number becomes null, as JSON.stringify writes it (the lab reads it back as NaN)."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _finite_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_finite_json(x) for x in v]
    return v


class RunFile:
    """A lab checkpoint or export: the manifest, model tensors, and optimizer state by (param, slot)."""

    def __init__(self, manifest, params, optim):
        self.manifest, self.params, self.optim = manifest, params, optim

    @staticmethod
    def read(path):
        tensors, metadata = read_safetensors(path)
        if metadata.get('format') != FORMAT or 'manifest' not in metadata:
            raise LabFileError(f'{path}: not a Classifier Lab file (its metadata format is {metadata.get("format")!r}, {FORMAT!r} expected)')
        manifest = json.loads(metadata['manifest'])
        params = {k: v for k, v in tensors.items() if not k.startswith('optim.')}
        optim = {}
        for k, v in tensors.items():
            if k.startswith('optim.'):
                param, slot = k[len('optim.'):].rsplit('.', 1)
                optim[(param, slot)] = v
        return RunFile(manifest, params, optim)

    def write(self, path):
        tensors = dict(self.params)
        tensors.update({f'optim.{param}.{slot}': v for (param, slot), v in self.optim.items()})
        text = json.dumps(_finite_json(self.manifest), separators=(',', ':'), allow_nan=False)
        write_safetensors(path, tensors, {'format': FORMAT, 'manifest': text})


def features_shape(manifest):
    """The raw features' shape a caller gives the model: the dataset's, before any resize."""
    return manifest.get('dataShape') or manifest['architecture']['inputShape']


def read_data(path):
    """data.npz as `classifier-lab export-pytorch` (or the page's Export dataset) writes it."""
    with np.load(path, allow_pickle=False) as z:
        missing = [k for k in ('x_train', 'y_train', 'x_val', 'y_val', 'meta') if k not in z.files]
        if missing:
            raise LabFileError(f'{path}: missing {", ".join(missing)} (a dataset exported by the lab has x_train, y_train, x_val, y_val and meta)')
        d = {k: z[k] for k in ('x_train', 'y_train', 'x_val', 'y_val')}
        d['meta'] = json.loads(bytes(z['meta']).decode('utf-8'))
    return d
