"""Emulated ActionTrail (2020-07-06): DescribeTrails, DescribeRegions, GetTrailStatus."""
