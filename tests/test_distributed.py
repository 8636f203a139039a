"The same ftlab.train under `accelerate launch` with 2 CPU processes (gloo): both train, weights stay identical across processes, and loss and weights match one process with the same global batch."
import torch
from ftlab.distributed import launch, worker, check_sync

def test_two_processes_match_one(tmp_path):
    args = ['--model', 'tiny', '--method', 'lora', '--steps', '3', '--batch-size', '8', '--lr', '2e-2', '--n-train', '24']
    ranks = launch(2, args, tmp_path/'ddp', timeout=240)
    single = worker([*args, '--out', str(tmp_path/'one')])
    states = [torch.load(tmp_path/'ddp'/f'rank{k}.pt') for k in range(2)]
    gaps = check_sync(ranks, single, states, torch.load(tmp_path/'one'/'rank0.pt'), rtol=1e-4, atol=1e-4)
    assert ranks[0]['backend'] == 'gloo' and ranks[0]['group_size'] == 2 and ranks[0]['threads'] == 1
    assert ranks[0]['per_device_batch'] == 4 and single['per_device_batch'] == 8
    assert gaps['weight_gap'] <= 1e-4

def test_sync_check_catches_unsynchronised_weights(tmp_path):
    "check_sync fails when the processes' weights differ (what a missing gradient all-reduce gives)."
    import pytest
    r = {'rank': 0, 'tokens': 5, 'losses': [1.0], 'steps': 1, 'digest': 'a'}
    with pytest.raises(AssertionError, match='not synchronised'):
        check_sync([r, {**r, 'rank': 1, 'digest': 'b'}], {**r, 'tokens': 10}, [{}], {})
