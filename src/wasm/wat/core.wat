;; The interpreter every thread runs: the posted command's steps, each a program of ops, each op cut into
;; tiles. Tiles are handed out by one atomic ticket counter; a phase (ops up to one with barrier = 1)
;; ends when all its tiles are done: a second counter, `done`, counts finished tiles, and a thread starts
;; on the next phase once `done` has reached the phase's end. No thread waits for the others to arrive
;; (one preempted or still asleep, holding no tile, delays no one). Which thread computes a tile never
;; changes what the tile computes, and no tile splits a reduction, so results do not depend on the
;; thread count.
;;
;; Tickets: all threads walk the same programs, so they agree on every phase's ticket range
;; [base, end). A thread holds at most one ticket; one drawn past `end` belongs to a later phase and is
;; kept until that phase comes (the counter only grows within a command; the caller zeroes it, and
;; `done`, once every worker has left the previous command: pool.ts).

;; This thread's scratch (byte address), set by run.
(global $scratch (mut i32) (i32.const 0))

;; run(tid): the command in the control block, on this thread (tid 0 is the caller, the rest workers).
(func $run (export "run") (param $tid i32)
  (local $threads i32) (local $s i32) (local $to i32) (local $prog i32) (local $step i32)
  (local $ticket i32) (local $base i32) (local $end i32) (local $op i32) (local $phase i32)
  (local.set $threads (i32.load offset=@ctl.threads (i32.const 0)))
  (local.set $s (i32.load offset=@ctl.from (i32.const 0)))
  (local.set $to (i32.load offset=@ctl.to (i32.const 0)))
  (local.set $ticket (i32.const -1))
  (global.set $scratch (i32.add (i32.load offset=@ctl.scratch (i32.const 0)) (i32.mul (local.get $tid) (i32.load offset=@ctl.scratchBytes (i32.const 0)))))
  (block $done
    (loop $steps
      (br_if $done (i32.ge_u (local.get $s) (local.get $to)))
      (local.set $prog
        (select (i32.load offset=@ctl.progLast (i32.const 0)) (i32.load offset=@ctl.progFull (i32.const 0))
          (i32.eq (local.get $s) (i32.load offset=@ctl.lastIndex (i32.const 0)))))
      (local.set $step (i32.add (i32.load offset=@ctl.steps (i32.const 0)) (i32.mul (local.get $s) (i32.const @step.bytes))))
      (local.set $op (local.get $prog))
      (block $programDone
        (loop $phases
          (br_if $programDone (i32.eqz (i32.load offset=@op.opcode (local.get $op))))
          ;; The phase: ops up to and including the first with barrier = 1; `end` = base + their tiles.
          (local.set $phase (local.get $op))
          (local.set $end (local.get $base))
          (loop $scan
            (local.set $end (i32.add (local.get $end) (i32.load offset=@op.tiles (local.get $op))))
            (local.set $op (i32.add (local.get $op) (i32.const @op.bytes)))
            (br_if $scan (i32.eqz (i32.load offset=@op.barrier (i32.sub (local.get $op) (i32.const @op.bytes))))))
          (block $claimed
            (loop $claim
              (if (i32.lt_s (local.get $ticket) (i32.const 0))
                (then (local.set $ticket (i32.atomic.rmw.add offset=@ctl.ticket (i32.const 0) (i32.const 1)))))
              (br_if $claimed (i32.ge_u (local.get $ticket) (local.get $end)))
              (call $runTile (local.get $phase) (i32.sub (local.get $ticket) (local.get $base)) (local.get $step))
              ;; the phase's last tile wakes any thread asleep in $awaitDone
              (if (i32.eq (i32.add (i32.atomic.rmw.add offset=@ctl.done (i32.const 0) (i32.const 1)) (i32.const 1)) (local.get $end))
                (then (drop (memory.atomic.notify offset=@ctl.done (i32.const 0) (i32.const -1)))))
              (local.set $ticket (i32.const -1))
              (br $claim)))
          (call $awaitDone (local.get $threads) (local.get $end))
          (local.set $base (local.get $end))
          (br $phases)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $steps))))

;; Tile t of a phase starting at op `op`: finds the op it falls in and runs that op's tile.
(func $runTile (param $op i32) (param $t i32) (param $step i32)
  (local $tiles i32)
  (loop $find
    (local.set $tiles (i32.load offset=@op.tiles (local.get $op)))
    (if (i32.ge_u (local.get $t) (local.get $tiles))
      (then
        (local.set $t (i32.sub (local.get $t) (local.get $tiles)))
        (local.set $op (i32.add (local.get $op) (i32.const @op.bytes)))
        (br $find))))
  (block $bad
  (block $optimizer
    (block $outcome
      (block $gatherImage
        (block $copySlice
          (block $batchnorm
            (block $pool
              (block $convDX
                (block $convDW
                  (block $conv
                    (block $gradSum
                      (block $activation
                        (block $dropout
                          (block $accuracy
                            (block $lossSum
                              (block $softmaxXent
                                (block $colsum
                                  (block $transpose
                                    (block $matmul
                                      (block $gather
                                        (br_table $bad $gather $matmul $transpose $colsum $softmaxXent $lossSum $accuracy $dropout $activation $gradSum $conv $convDW $convDX $pool $batchnorm $copySlice $gatherImage $outcome $optimizer $bad
                                          (i32.load offset=@op.opcode (local.get $op))))
                                        (return (call $op_gather (local.get $op) (local.get $t) (local.get $step))))
                                      (return (call $op_matmul (local.get $op) (local.get $t) (local.get $step))))
                                    (return (call $op_transpose (local.get $op) (local.get $t) (local.get $step))))
                                  (return (call $op_colsum (local.get $op) (local.get $t) (local.get $step))))
                                (return (call $op_softmaxXent (local.get $op) (local.get $t) (local.get $step))))
                              (return (call $op_lossSum (local.get $op) (local.get $t) (local.get $step))))
                            (return (call $op_accuracy (local.get $op) (local.get $t) (local.get $step))))
                          (return (call $op_dropout (local.get $op) (local.get $t) (local.get $step))))
                        (return (call $op_activation (local.get $op) (local.get $t) (local.get $step))))
                      (return (call $op_gradSum (local.get $op) (local.get $t) (local.get $step))))
                    (return (call $op_conv (local.get $op) (local.get $t) (local.get $step))))
                  (return (call $op_convDW (local.get $op) (local.get $t) (local.get $step))))
                (return (call $op_convDX (local.get $op) (local.get $t) (local.get $step))))
              (return (call $op_pool (local.get $op) (local.get $t) (local.get $step))))
            (return (call $op_batchnorm (local.get $op) (local.get $t) (local.get $step))))
          (return (call $op_copySlice (local.get $op) (local.get $t) (local.get $step))))
        (return (call $op_gatherImage (local.get $op) (local.get $t) (local.get $step))))
      (return (call $op_outcome (local.get $op) (local.get $t) (local.get $step))))
    (return (call $op_optimizer (local.get $op) (local.get $t) (local.get $step))))
  unreachable)

;; Waits until `end` tiles of the command are done: spins a while (a phase is often tens of
;; microseconds), then sleeps on `done`. A trap in any thread sets `abort` (the JS side does) and wakes
;; everyone, who trap in turn instead of waiting forever.
(func $awaitDone (param $threads i32) (param $end i32)
  (local $done i32) (local $spin i32)
  (if (i32.le_u (local.get $threads) (i32.const 1)) (then (return)))
  (loop $wait
    (if (i32.atomic.load offset=@ctl.abort (i32.const 0)) (then unreachable))
    (local.set $done (i32.atomic.load offset=@ctl.done (i32.const 0)))
    (if (i32.ge_u (local.get $done) (local.get $end)) (then (return)))
    (local.set $spin (i32.add (local.get $spin) (i32.const 1)))
    ;; Past the spin budget: sleep until the phase's last tile notifies (or 1 ms, to look at `abort` again).
    (if (i32.gt_u (local.get $spin) (i32.const 20000))
      (then (drop (memory.atomic.wait32 offset=@ctl.done (i32.const 0) (local.get $done) (i64.const 1000000)))))
    (br $wait)))
