"""`flask devices simulate`: publish realistic readings of the registered devices over MQTT;
`flask devices compliance`: the special-operator compliance sweep of cranes and hoists."""
from __future__ import annotations

import click
from flask import Flask, current_app

from app.infra.mqtt import mqtt_endpoint, mqtt_publisher


def register_device_commands(app: Flask) -> None:
    @app.cli.group("devices")
    def devices_group() -> None:
        """Site devices: simulated telemetry, the special-operator compliance sweep."""

    @devices_group.command("compliance")
    def compliance() -> None:
        """Check cranes and hoists for unregistered operators and expired certificates now."""
        from app.services.monitoring.compliance import sweep

        result = sweep()
        click.echo(f"checked {result.checked} device(s): {result.alarms_opened} alarm(s) opened, "
                   f"{result.alarms_repeated} repeated, {result.cases_started} case(s) started")

    @devices_group.command("simulate")
    @click.option("--rate", default=2.0, show_default=True, help="messages per second, in total")
    @click.option("--duration", default=60.0, show_default=True, help="seconds to run")
    @click.option("--excursion", "excursion", default=0.02, show_default=True,
                  help="probability that a reading exceeds an alarm threshold")
    @click.option("--project", default=None, help="only the devices of this project code")
    @click.option("--seed", default=None, type=int, help="random seed (repeatable runs)")
    def simulate(rate: float, duration: float, excursion: float, project: str | None,
                 seed: int | None) -> None:
        """Publish readings of the registered (demo) devices to MQTT_URL with occasional alarms."""
        from app.services.monitoring import simulator as sim
        from app.services.monitoring.thresholds import catalogue

        devices = sim.demo_devices(project)
        if not devices:
            raise click.ClickException("没有可模拟的设备：请先运行 flask demo seed。")
        endpoint = mqtt_endpoint(current_app.config)
        click.echo(f"publishing ~{rate}/s for {duration:.0f}s from {len(devices)} device(s) to "
                   f"mqtt://{endpoint.host}:{endpoint.port} (excursion probability {excursion})")
        client, publish = mqtt_publisher(endpoint)
        try:
            sent = sim.publish_all(sim.stream(devices, catalogue(), rate=rate, duration_s=duration,
                                              excursion_probability=excursion, seed=seed), publish)
        finally:
            for info in client.last_publish:
                info.wait_for_publish(10)
            client.disconnect()
            client.loop_stop()
        click.echo(f"sent {sent} message(s)")
