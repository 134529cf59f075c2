"""The replicas benchmark's ports and its report section (the run itself is `make bench`)."""

from bench.replicas import _ports, section


def test_the_ports_of_a_cluster_do_not_overlap_and_name_every_replica():
    ports = _ports(5700, 4)
    assert ports["CLUSTER_RASA_PORTS"] == "5710 5711 5712 5713"
    numbers = [int(p) for value in ports.values() for p in value.split()]
    assert len(numbers) == len(set(numbers))
    assert min(numbers) == 5700 and max(numbers) == 5742


def test_the_section_shows_every_step_and_the_memory_per_replica():
    step = {"replicas": 2, "concurrency": 50, "msg_per_s": 14.25, "errors": 0, "load_avg": 1.9,
            "latency": {"p50": 0.041, "p95": 0.1234, "n": 10}, "cpu_ms_per_reply": {"rasa": 24.6, "others": 12.2}}
    result = {"plan": {"seconds": 40.0}, "model": "m.tar.gz", "think_s": [3.2, 4.5], "startup_seconds": 80.0,
              "steps": [{**step, "replicas": 1, "latency": {"p50": None, "p95": None}, "cpu_ms_per_reply": None}, step],
              "rasa_rss_kib": [1_400_000, 1_500_000]}
    text = "\n".join(section(result))
    assert "| 1 | 50 | 14.2 | - | - | 0 | - | 1.9 |" in text
    assert "| 2 | 50 | 14.2 | 41 | 123 | 0 | 25 / 12 | 1.9 |" in text
    assert "1,367 MB, 1,465 MB" in text
