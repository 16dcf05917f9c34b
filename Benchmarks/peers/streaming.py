#!/usr/bin/env python3
"""The streaming path against the batch path, for one or more builds of folio, same run, same file.

    swift build -c release
    python3 Benchmarks/peers/streaming.py FILE [--rounds 4] [--max-tokens 512] [--idle 0.7]
                                          [--json F] NAME=PATH/TO/folio [NAME=PATH/TO/folio ...]

For each build, per round (builds round-robin, each figure the best round):

* batch: `folio bench chunk --max-tokens N --repeat 1 FILE`, MB/s of document text (the ingested
  document cut in memory on one thread, after one warm-up run);
* pipeline: the same with `--pipeline`, MB/s of the file (bytes in memory to chunks through the
  streaming pipeline, no output);
* chunk: `/usr/bin/time folio chunk --max-tokens N FILE > /dev/null`: wall seconds (MB/s of the file),
  user and system seconds and maximum resident memory of the whole process;
* extract: wall seconds of `folio extract FILE > /dev/null`.

The ratio is chunk MB/s (file) over batch MB/s (text); for a plain-text file the two sizes are the
same. This machine is shared and noisy, so before each command the script waits (at most two minutes)
until the CPUs were at least --idle idle over two seconds, and every chunk wall time is printed.
1 MB = 10^6 bytes.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def cpu_times():
    values = [int(x) for x in open('/proc/stat').readline().split()[1:]]
    return values[3] + values[4], sum(values)


def wait_until_idle(share, timeout=120.0):
    start = time.time()
    while time.time() - start < timeout:
        idle0, total0 = cpu_times()
        time.sleep(2.0)
        idle1, total1 = cpu_times()
        if (idle1 - idle0) / max(1, total1 - total0) >= share:
            return


def timed(command, idle):
    wait_until_idle(idle)
    result = subprocess.run(['/usr/bin/time', '-f', '%e %U %S %M'] + command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, check=True)
    wall, user, system, rss = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user), float(system), int(rss) * 1024


def bench(folio, path, max_tokens, pipeline, idle):
    wait_until_idle(idle)
    command = [folio, 'bench', 'chunk', '--max-tokens', str(max_tokens), '--repeat', '1', path]
    if pipeline:
        command.insert(3, '--pipeline')
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file')
    parser.add_argument('builds', nargs='+', help='NAME=PATH of a folio executable')
    parser.add_argument('--rounds', type=int, default=4)
    parser.add_argument('--max-tokens', type=int, default=512)
    parser.add_argument('--idle', type=float, default=0.7)
    parser.add_argument('--json')
    args = parser.parse_args()
    builds = [build.split('=', 1) for build in args.builds]
    size = os.path.getsize(args.file)
    best = {name: {'walls': []} for name, _ in builds}

    def keep(name, key, value, higher):
        old = best[name].get(key)
        if old is None or (value > old if higher else value < old):
            best[name][key] = value

    for index in range(args.rounds):
        for name, folio in builds:
            batch = bench(folio, args.file, args.max_tokens, False, args.idle)
            keep(name, 'batch_mb_per_s', batch['best_mb_per_s'], True)
            best[name]['text_bytes'] = batch['bytes']
            pipeline = bench(folio, args.file, args.max_tokens, True, args.idle)
            keep(name, 'pipeline_mb_per_s', pipeline['best_mb_per_s'], True)
            wall, user, system, rss = timed([folio, 'chunk', '--max-tokens', str(args.max_tokens), args.file], args.idle)
            best[name]['walls'].append(wall)
            keep(name, 'chunk_wall_s', wall, False)
            keep(name, 'chunk_user_s', user, False)
            keep(name, 'chunk_sys_s', system, False)
            keep(name, 'chunk_max_rss_bytes', rss, False)
            keep(name, 'extract_wall_s', timed([folio, 'extract', args.file], args.idle)[0], False)
            print(f'round {index + 1}/{args.rounds} {name}: {json.dumps(best[name])}', file=sys.stderr, flush=True)

    for name, figures in best.items():
        chunk_mb_per_s = size / figures['chunk_wall_s'] / 1e6
        figures['chunk_mb_per_s'] = round(chunk_mb_per_s, 1)
        figures['ratio'] = round(chunk_mb_per_s / figures['batch_mb_per_s'], 2)
        print(f"{name}: batch {figures['batch_mb_per_s']} MB/s, pipeline {figures['pipeline_mb_per_s']} MB/s, "
              f"chunk {figures['chunk_wall_s']:.2f} s = {chunk_mb_per_s:.1f} MB/s (ratio {figures['ratio']}), "
              f"user {figures['chunk_user_s']:.2f} s, sys {figures['chunk_sys_s']:.2f} s, "
              f"max RSS {figures['chunk_max_rss_bytes'] / 1e6:.1f} MB, extract {figures['extract_wall_s']:.2f} s, "
              f"chunk walls {figures['walls']}")
    if args.json:
        with open(args.json, 'w') as out:
            json.dump({'file': args.file, 'bytes': size, 'builds': best}, out, indent=2)


if __name__ == '__main__':
    main()
