"""A moto S3 server on 127.0.0.1 for the object-storage tests, and the AWS variables that point at it.

moto's server speaks the S3 REST API (conditional puts included), so pyarrow's S3 file system, delta-rs,
s3fs and boto3 all talk to it exactly as they would to AWS or MinIO; nothing leaves the machine.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

BUCKET = "voxpop-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def aws_env(endpoint: str) -> dict[str, str]:
    """The standard variables a user sets for an S3-compatible server (dummy credentials for the fake)."""
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


@contextmanager
def moto_server() -> Iterator[str]:
    """Run moto's S3 server on a free loopback port with the test bucket; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        import boto3

        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


def new_prefix(name: str = "store") -> str:
    """A fresh ``s3://`` store URL in the test bucket."""
    return f"s3://{BUCKET}/{name}-{uuid.uuid4().hex[:8]}"
